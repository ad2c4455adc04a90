package api

import (
	"errors"

	"github.com/tandemhq/tandem/gen/tandem/v1/tandemv1connect"
)

var (
	errInternal       = errors.New("internal error")
	errUnknownService = errors.New("unknown service: ask for tandem.v1.ConversationService, SkillService, HandoffService or MetricsService")
)

// skillServer serves SkillService; its RPCs answer Unimplemented until the skills land.
type skillServer struct {
	tandemv1connect.UnimplementedSkillServiceHandler
}

// handoffServer serves HandoffService; its RPCs answer Unimplemented until handoff lands.
type handoffServer struct {
	tandemv1connect.UnimplementedHandoffServiceHandler
}
