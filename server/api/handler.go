// Package api serves Tandem's Connect API: thin handlers that translate protobuf to the
// domain and back, one interceptor chain (logging, authentication and access policy,
// rate limits, validation) and one map from domain errors to Connect codes.
package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"
	"time"

	"connectrpc.com/connect"
	connectcors "connectrpc.com/cors"
	"connectrpc.com/grpchealth"
	"connectrpc.com/grpcreflect"
	"connectrpc.com/validate"
	"github.com/rs/cors"

	"github.com/tandemhq/tandem/gen/tandem/v1/tandemv1connect"
	"github.com/tandemhq/tandem/server/auth"
	"github.com/tandemhq/tandem/server/conversation"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/handoff"
	"github.com/tandemhq/tandem/server/integration"
	"github.com/tandemhq/tandem/server/knowledge"
	"github.com/tandemhq/tandem/server/logging"
	"github.com/tandemhq/tandem/server/metrics"
	"github.com/tandemhq/tandem/server/skill"
)

// Deps are what the API serves.
type Deps struct {
	// Logger receives structured logs.
	Logger *slog.Logger
	// Auth authenticates credentials.
	Auth *auth.Authenticator
	// Limiter rate-limits callers.
	Limiter Limiter
	// Conversations runs conversations.
	Conversations *conversation.Service
	// Skills shows skills with their status and records skill requests.
	Skills *skill.Service
	// Integrations connects providers.
	Integrations *integration.Service
	// Knowledge keeps the knowledge base.
	Knowledge *knowledge.Service
	// Agent answers PreviewMessage.
	Agent domain.Agent
	// Handoffs runs handoffs.
	Handoffs *handoff.Service
	// Metrics answers MetricsService.
	Metrics *metrics.Service
	// Ping reports whether the database answers, for health checks.
	Ping func(context.Context) error
	// MaxRequestBytes caps the size of a request message.
	MaxRequestBytes int
	// CORSOrigins are the origins browsers may call from ("*" for any).
	CORSOrigins []string
	// Static, if set, serves everything that is not an RPC (the widget demo).
	Static http.Handler
}

// serviceNames are the fully qualified names of the four services.
var serviceNames = []string{
	tandemv1connect.ConversationServiceName,
	tandemv1connect.SkillServiceName,
	tandemv1connect.HandoffServiceName,
	tandemv1connect.MetricsServiceName,
}

// NewHandler returns the HTTP handler serving the four services over Connect, gRPC and
// gRPC-Web, plus gRPC health and reflection, with CORS and request ids.
func NewHandler(d Deps) http.Handler {
	opts := connect.WithHandlerOptions(
		connect.WithInterceptors(
			&logInterceptor{logger: d.Logger},
			&authInterceptor{auth: d.Auth, limiter: d.Limiter, logger: d.Logger},
			validate.NewInterceptor(),
		),
		connect.WithRecover(func(ctx context.Context, spec connect.Spec, _ http.Header, p any) error {
			d.Logger.ErrorContext(ctx, "panic in handler", "procedure", spec.Procedure, "panic", p)
			return connect.NewError(connect.CodeInternal, errInternal)
		}),
		connect.WithReadMaxBytes(d.MaxRequestBytes),
		// Compressing small messages costs more CPU than it saves bandwidth.
		connect.WithCompressMinBytes(1024),
	)
	mux := http.NewServeMux()
	mux.Handle(tandemv1connect.NewConversationServiceHandler(&conversationServer{svc: d.Conversations, logger: d.Logger}, opts))
	mux.Handle(tandemv1connect.NewSkillServiceHandler(&skillServer{
		skills: d.Skills, integrations: d.Integrations, knowledge: d.Knowledge, agent: d.Agent, logger: d.Logger,
	}, opts))
	mux.Handle(tandemv1connect.NewHandoffServiceHandler(&handoffServer{svc: d.Handoffs, logger: d.Logger}, opts))
	mux.Handle(tandemv1connect.NewMetricsServiceHandler(&metricsServer{svc: d.Metrics, logger: d.Logger}, opts))
	mux.Handle(grpchealth.NewHandler(&healthChecker{ping: d.Ping}))
	reflector := grpcreflect.NewStaticReflector(serviceNames...)
	mux.Handle(grpcreflect.NewHandlerV1(reflector))
	mux.Handle(grpcreflect.NewHandlerV1Alpha(reflector))
	if d.Static != nil {
		mux.Handle("/", d.Static)
	}
	c := cors.New(cors.Options{
		AllowedOrigins: d.CORSOrigins,
		AllowedMethods: connectcors.AllowedMethods(),
		AllowedHeaders: append(connectcors.AllowedHeaders(), "Authorization"),
		ExposedHeaders: append(connectcors.ExposedHeaders(), "X-Request-Id", "Retry-After"),
		MaxAge:         7200,
	})
	return withRequestID(http.MaxBytesHandler(c.Handler(mux), int64(d.MaxRequestBytes)+1024))
}

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// withRequestID tags each request with an id (the caller's X-Request-Id if well formed),
// returns it in the response and adds it to every log line of the request.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !requestIDPattern.MatchString(id) {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(logging.WithAttrs(r.Context(), slog.String("request_id", id))))
	})
}

// healthChecker reports SERVING while the database answers.
type healthChecker struct{ ping func(context.Context) error }

func (h *healthChecker) Check(ctx context.Context, req *grpchealth.CheckRequest) (*grpchealth.CheckResponse, error) {
	if req.Service != "" && !known(req.Service) {
		return nil, connect.NewError(connect.CodeNotFound, errUnknownService)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := h.ping(ctx); err != nil {
		return &grpchealth.CheckResponse{Status: grpchealth.StatusNotServing}, nil
	}
	return &grpchealth.CheckResponse{Status: grpchealth.StatusServing}, nil
}

func known(service string) bool {
	for _, s := range serviceNames {
		if s == service {
			return true
		}
	}
	return false
}
