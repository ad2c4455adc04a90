package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"connectrpc.com/connect"

	"github.com/tandemhq/tandem/server/auth"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/logging"
)

type principalKey struct{}

// principalFrom returns the caller authenticated by the auth interceptor.
func principalFrom(ctx context.Context) domain.Principal {
	p, _ := ctx.Value(principalKey{}).(domain.Principal)
	return p
}

// Limiter decides whether a principal may make another call now.
type Limiter interface {
	// Allow returns ERateLimited with a retry hint when the principal must wait.
	Allow(p domain.Principal) error
}

// authInterceptor authenticates the bearer credential, applies the procedure's access
// policy and the rate limit, and puts the principal in the context.
type authInterceptor struct {
	auth    *auth.Authenticator
	limiter Limiter
	logger  *slog.Logger
}

func (i *authInterceptor) authenticate(ctx context.Context, procedure string, h http.Header) (context.Context, error) {
	credential, err := bearer(h)
	if err != nil {
		return ctx, connectError(ctx, i.logger, err)
	}
	p, err := i.auth.Authenticate(ctx, credential)
	if err != nil {
		return ctx, connectError(ctx, i.logger, err)
	}
	if a, ok := policy[procedure]; !ok || !a.allows(p) {
		return ctx, connect.NewError(connect.CodePermissionDenied, errors.New(deniedMessage(p, procedure)))
	}
	if err := i.limiter.Allow(p); err != nil {
		return ctx, connectError(ctx, i.logger, err)
	}
	ctx = logging.WithAttrs(ctx, slog.String("account_id", p.AccountID))
	return context.WithValue(ctx, principalKey{}, p), nil
}

func deniedMessage(p domain.Principal, procedure string) string {
	method := procedure[strings.LastIndex(procedure, "/")+1:]
	switch p.Kind {
	case domain.PrincipalVisitor:
		return "a visitor token cannot call " + method
	case domain.PrincipalSiteKey:
		return "the public site key can only start web chat conversations, not call " + method
	default:
		return "the " + strings.ToUpper(string(p.Role)) + " role cannot call " + method + ": use a key with a role that may"
	}
}

func bearer(h http.Header) (string, error) {
	v := h.Get("Authorization")
	if v == "" {
		return "", domain.Errorf(domain.EUnauthenticated, "missing credential: send `Authorization: Bearer <key>` with an API key, the site key or a visitor token")
	}
	scheme, token, ok := strings.Cut(v, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", domain.Errorf(domain.EUnauthenticated, "the Authorization header must be `Bearer <key>`")
	}
	return strings.TrimSpace(token), nil
}

func (i *authInterceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		ctx, err := i.authenticate(ctx, req.Spec().Procedure, req.Header())
		if err != nil {
			return nil, err
		}
		return next(ctx, req)
	}
}

func (i *authInterceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (i *authInterceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		ctx, err := i.authenticate(ctx, conn.Spec().Procedure, conn.RequestHeader())
		if err != nil {
			return err
		}
		return next(ctx, conn)
	}
}

// logInterceptor logs every call's outcome with its duration.
type logInterceptor struct{ logger *slog.Logger }

func (i *logInterceptor) log(ctx context.Context, procedure string, start time.Time, err error) {
	level, code := slog.LevelInfo, "ok"
	if err != nil {
		code = connect.CodeOf(err).String()
		if c := connect.CodeOf(err); c == connect.CodeInternal || c == connect.CodeUnknown {
			level = slog.LevelError
		}
	}
	i.logger.Log(ctx, level, "rpc", "procedure", procedure, "code", code, "duration_ms", float64(time.Since(start).Microseconds())/1000)
}

func (i *logInterceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		start := time.Now()
		res, err := next(ctx, req)
		i.log(ctx, req.Spec().Procedure, start, err)
		return res, err
	}
}

func (i *logInterceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (i *logInterceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		start := time.Now()
		err := next(ctx, conn)
		i.log(ctx, conn.Spec().Procedure, start, err)
		return err
	}
}
