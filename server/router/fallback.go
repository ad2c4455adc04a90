package router

import (
	"context"
	"log/slog"

	"github.com/tandemhq/tandem/server/domain"
)

// WithFallback returns a domain.Router that routes with primary and, when primary
// returns an error (an LLM endpoint down, slow or answering nonsense), logs the error
// once at warn level and routes with fallback instead. Only fallback's error reaches the
// caller.
func WithFallback(primary, fallback domain.Router, logger *slog.Logger) domain.Router {
	return fallbackRouter{primary: primary, fallback: fallback, logger: logger}
}

type fallbackRouter struct {
	primary, fallback domain.Router
	logger            *slog.Logger
}

func (f fallbackRouter) Route(ctx context.Context, history []domain.Message, message string) (domain.RoutingDecision, error) {
	d, err := f.primary.Route(ctx, history, message)
	if err == nil {
		return d, nil
	}
	f.logger.WarnContext(ctx, "primary router failed; routing with the fallback", "error", err)
	return f.fallback.Route(ctx, history, message)
}
