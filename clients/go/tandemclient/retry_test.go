package tandemclient_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"

	"github.com/tandemhq/tandem/clients/go/tandemclient"
	tandemv1 "github.com/tandemhq/tandem/gen/tandem/v1"
	"github.com/tandemhq/tandem/gen/tandem/v1/tandemv1connect"
)

// flaky fails each call with fail's code until it has failed failures times.
type flaky struct {
	tandemv1connect.UnimplementedConversationServiceHandler
	failures int32
	code     connect.Code
	calls    atomic.Int32
	auth     atomic.Value
	sleep    time.Duration
}

func (f *flaky) attempt(h http.Header) error {
	f.auth.Store(h.Get("Authorization"))
	if f.calls.Add(1) <= f.failures {
		err := connect.NewError(f.code, errors.New("try again"))
		if f.code == connect.CodeResourceExhausted {
			err.Meta().Set("Retry-After", "0")
		}
		return err
	}
	return nil
}

func (f *flaky) GetConversation(ctx context.Context, req *connect.Request[tandemv1.GetConversationRequest]) (*connect.Response[tandemv1.GetConversationResponse], error) {
	if err := f.attempt(req.Header()); err != nil {
		return nil, err
	}
	select {
	case <-time.After(f.sleep):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return connect.NewResponse(&tandemv1.GetConversationResponse{Conversation: &tandemv1.Conversation{Id: req.Msg.ConversationId}}), nil
}

func (f *flaky) SendMessage(_ context.Context, req *connect.Request[tandemv1.SendMessageRequest]) (*connect.Response[tandemv1.SendMessageResponse], error) {
	if err := f.attempt(req.Header()); err != nil {
		return nil, err
	}
	return connect.NewResponse(&tandemv1.SendMessageResponse{}), nil
}

func (f *flaky) StartConversation(_ context.Context, req *connect.Request[tandemv1.StartConversationRequest]) (*connect.Response[tandemv1.StartConversationResponse], error) {
	if err := f.attempt(req.Header()); err != nil {
		return nil, err
	}
	return connect.NewResponse(&tandemv1.StartConversationResponse{}), nil
}

func serve(t *testing.T, f *flaky) *tandemclient.Client {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle(tandemv1connect.NewConversationServiceHandler(f))
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	t.Cleanup(srv.Close)
	fast := tandemclient.RetryPolicy{Attempts: 4, MinDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond}
	return tandemclient.New(srv.URL, "tdm_vt_secret", connect.WithInterceptors(tandemclient.CallTimeout(200*time.Millisecond), tandemclient.Retry(fast)))
}

func TestRetryRepeatsReadsAndKeyedWrites(t *testing.T) {
	t.Parallel()
	for _, code := range []connect.Code{connect.CodeUnavailable, connect.CodeResourceExhausted} {
		f := &flaky{failures: 2, code: code}
		c := serve(t, f)
		res, err := c.Conversations.GetConversation(t.Context(), connect.NewRequest(&tandemv1.GetConversationRequest{ConversationId: "c1"}))
		if err != nil || res.Msg.Conversation.Id != "c1" {
			t.Fatalf("%v: GetConversation = %v, %v; want success after two failures", code, res, err)
		}
		if f.calls.Load() != 3 || f.auth.Load() != "Bearer tdm_vt_secret" {
			t.Fatalf("%v: %d calls with %v, want 3 with the bearer credential", code, f.calls.Load(), f.auth.Load())
		}
	}
	f := &flaky{failures: 2, code: connect.CodeUnavailable}
	c := serve(t, f)
	_, err := c.Conversations.SendMessage(t.Context(), connect.NewRequest(&tandemv1.SendMessageRequest{ConversationId: "c1", IdempotencyKey: "key-0001"}))
	if err != nil || f.calls.Load() != 3 {
		t.Fatalf("SendMessage with a key: %v after %d calls, want success after 3", err, f.calls.Load())
	}
}

func TestRetryLeavesUnsafeCallsAndOtherErrorsAlone(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		code connect.Code
		call func(c *tandemclient.Client) error
	}{
		{"StartConversation has side effects", connect.CodeUnavailable, func(c *tandemclient.Client) error {
			_, err := c.Conversations.StartConversation(t.Context(), connect.NewRequest(&tandemv1.StartConversationRequest{}))
			return err
		}},
		{"SendMessage without a key", connect.CodeUnavailable, func(c *tandemclient.Client) error {
			_, err := c.Conversations.SendMessage(t.Context(), connect.NewRequest(&tandemv1.SendMessageRequest{}))
			return err
		}},
		{"PermissionDenied does not pass by waiting", connect.CodePermissionDenied, func(c *tandemclient.Client) error {
			_, err := c.Conversations.GetConversation(t.Context(), connect.NewRequest(&tandemv1.GetConversationRequest{}))
			return err
		}},
	}
	for _, tc := range cases {
		f := &flaky{failures: 5, code: tc.code}
		if err := tc.call(serve(t, f)); connect.CodeOf(err) != tc.code || f.calls.Load() != 1 {
			t.Errorf("%s: %v after %d calls, want %v after 1", tc.name, err, f.calls.Load(), tc.code)
		}
	}
}

func TestCallTimeoutBoundsUnaryCalls(t *testing.T) {
	t.Parallel()
	f := &flaky{sleep: 5 * time.Second}
	start := time.Now()
	_, err := serve(t, f).Conversations.GetConversation(t.Context(), connect.NewRequest(&tandemv1.GetConversationRequest{}))
	if connect.CodeOf(err) != connect.CodeDeadlineExceeded || time.Since(start) > 2*time.Second {
		t.Fatalf("got %v after %v, want DeadlineExceeded after the 200 ms timeout", err, time.Since(start))
	}
}
