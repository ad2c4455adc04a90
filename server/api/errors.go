package api

import (
	"context"
	"errors"
	"log/slog"
	"strconv"

	"connectrpc.com/connect"

	"github.com/tandemhq/tandem/server/domain"
)

// codes maps every domain error code to its Connect code; this is the only place that
// decides what callers see.
var codes = map[domain.ErrorCode]connect.Code{
	domain.EInvalid:            connect.CodeInvalidArgument,
	domain.EUnauthenticated:    connect.CodeUnauthenticated,
	domain.EPermission:         connect.CodePermissionDenied,
	domain.ENotFound:           connect.CodeNotFound,
	domain.EConflict:           connect.CodeAlreadyExists,
	domain.EFailedPrecondition: connect.CodeFailedPrecondition,
	domain.ERateLimited:        connect.CodeResourceExhausted,
	domain.EUnavailable:        connect.CodeUnavailable,
}

// connectError converts a domain error to a Connect error. Internal errors are logged
// and shown to callers only as "internal error".
func connectError(ctx context.Context, logger *slog.Logger, err error) error {
	var ce *connect.Error
	if errors.As(err, &ce) {
		return ce
	}
	if errors.Is(err, context.Canceled) {
		return connect.NewError(connect.CodeCanceled, err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return connect.NewError(connect.CodeDeadlineExceeded, err)
	}
	var de *domain.Error
	if !errors.As(err, &de) || de.Code == domain.EInternal {
		logger.ErrorContext(ctx, "internal error", "error", err)
		return connect.NewError(connect.CodeInternal, errors.New("internal error"))
	}
	out := connect.NewError(codes[de.Code], errors.New(de.Message))
	if de.RetryAfter > 0 {
		out.Meta().Set("Retry-After", strconv.Itoa(int(de.RetryAfter.Seconds()+0.999)))
	}
	return out
}

var (
	errInternal       = errors.New("internal error")
	errUnknownService = errors.New("unknown service: ask for tandem.v1.ConversationService, SkillService, HandoffService or MetricsService")
)
