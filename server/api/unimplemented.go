package api

import (
	"errors"

	"github.com/tandemhq/tandem/gen/tandem/v1/tandemv1connect"
)

var (
	errInternal       = errors.New("internal error")
	errUnknownService = errors.New("unknown service: ask for tandem.v1.ConversationService, SkillService, HandoffService or MetricsService")
)

// metricsServer serves MetricsService; its RPCs answer Unimplemented until metrics land.
type metricsServer struct {
	tandemv1connect.UnimplementedMetricsServiceHandler
}
