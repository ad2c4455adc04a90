// Package tandemclient is the Go client of Tandem's API: typed clients of the four
// services with the bearer credential attached to every call, over Connect (default),
// gRPC (connect.WithGRPC()) or gRPC-Web (connect.WithGRPCWeb()).
package tandemclient

import (
	"context"
	"net"
	"net/http"
	"time"

	"connectrpc.com/connect"

	"github.com/tandemhq/tandem/gen/tandem/v1/tandemv1connect"
)

// Client holds typed clients of the four services sharing one credential.
type Client struct {
	// Conversations calls ConversationService.
	Conversations tandemv1connect.ConversationServiceClient
	// Skills calls SkillService.
	Skills tandemv1connect.SkillServiceClient
	// Handoffs calls HandoffService.
	Handoffs tandemv1connect.HandoffServiceClient
	// Metrics calls MetricsService.
	Metrics tandemv1connect.MetricsServiceClient
}

// New returns a Client of the server at baseURL ("http://127.0.0.1:8080") sending
// credential (an API key, the site key or a visitor token; none when empty) as a bearer
// token. It speaks HTTP/2 without TLS to http:// addresses, as gRPC needs.
func New(baseURL, credential string, opts ...connect.ClientOption) *Client {
	hc := HTTPClient()
	opts = append([]connect.ClientOption{connect.WithInterceptors(Bearer(credential))}, opts...)
	return &Client{
		Conversations: tandemv1connect.NewConversationServiceClient(hc, baseURL, opts...),
		Skills:        tandemv1connect.NewSkillServiceClient(hc, baseURL, opts...),
		Handoffs:      tandemv1connect.NewHandoffServiceClient(hc, baseURL, opts...),
		Metrics:       tandemv1connect.NewMetricsServiceClient(hc, baseURL, opts...),
	}
}

// HTTPClient returns an HTTP client for Tandem speaking HTTP/2 only, over TLS or
// cleartext (h2c), which every protocol and streaming needs, with connect and header
// timeouts. It sets no overall
// timeout, so server streams can stay open; give calls a context deadline instead.
func HTTPClient() *http.Client {
	p := new(http.Protocols)
	p.SetHTTP2(true)
	p.SetUnencryptedHTTP2(true)
	return &http.Client{Transport: &http.Transport{
		Protocols:             p,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		MaxIdleConnsPerHost:   64,
	}}
}

// Bearer returns an interceptor that sends credential as `Authorization: Bearer` on
// every call, unary and streaming; an empty credential sends nothing.
func Bearer(credential string) connect.Interceptor { return bearer(credential) }

type bearer string

func (b bearer) set(h http.Header) {
	if b != "" {
		h.Set("Authorization", "Bearer "+string(b))
	}
}

func (b bearer) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		b.set(req.Header())
		return next(ctx, req)
	}
}

func (b bearer) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return func(ctx context.Context, spec connect.Spec) connect.StreamingClientConn {
		conn := next(ctx, spec)
		b.set(conn.RequestHeader())
		return conn
	}
}

func (b bearer) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return next
}
