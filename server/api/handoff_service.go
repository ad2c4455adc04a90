package api

import (
	"context"
	"log/slog"

	"connectrpc.com/connect"

	tandemv1 "github.com/tandemhq/tandem/gen/tandem/v1"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/handoff"
)

// handoffServer serves HandoffService.
type handoffServer struct {
	svc    *handoff.Service
	logger *slog.Logger
}

func (s *handoffServer) GetHandoffSettings(ctx context.Context, _ *connect.Request[tandemv1.GetHandoffSettingsRequest]) (*connect.Response[tandemv1.GetHandoffSettingsResponse], error) {
	hs, err := s.svc.Settings(ctx, principalFrom(ctx))
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	return connect.NewResponse(&tandemv1.GetHandoffSettingsResponse{Settings: handoffSettingsToProto(hs)}), nil
}

func (s *handoffServer) UpdateHandoffSettings(ctx context.Context, req *connect.Request[tandemv1.UpdateHandoffSettingsRequest]) (*connect.Response[tandemv1.UpdateHandoffSettingsResponse], error) {
	hs, err := s.svc.UpdateSettings(ctx, principalFrom(ctx), handoffSettingsFromProto(req.Msg.Settings))
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	return connect.NewResponse(&tandemv1.UpdateHandoffSettingsResponse{Settings: handoffSettingsToProto(hs)}), nil
}

func (s *handoffServer) ListHandoffs(ctx context.Context, req *connect.Request[tandemv1.ListHandoffsRequest]) (*connect.Response[tandemv1.ListHandoffsResponse], error) {
	m := req.Msg
	after, err := parseNewestFirstPageToken(m.PageToken)
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	hs, next, err := s.svc.List(ctx, principalFrom(ctx), domain.HandoffFilter{
		Statuses: handoffStatuses.domains(m.Statuses), Destination: destinations.domain(m.Destination),
		After: after, Limit: pageSize(m.PageSize),
	})
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	out := &tandemv1.ListHandoffsResponse{NextPageToken: newestFirstPageToken(next)}
	for _, h := range hs {
		out.Handoffs = append(out.Handoffs, handoffToProto(h))
	}
	return connect.NewResponse(out), nil
}

func (s *handoffServer) GetHandoff(ctx context.Context, req *connect.Request[tandemv1.GetHandoffRequest]) (*connect.Response[tandemv1.GetHandoffResponse], error) {
	h, c, msgs, err := s.svc.Get(ctx, principalFrom(ctx), req.Msg.HandoffId)
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	return connect.NewResponse(&tandemv1.GetHandoffResponse{Handoff: handoffToProto(h), Conversation: conversationToProto(c), Messages: messagesToProto(msgs)}), nil
}

func (s *handoffServer) ClaimHandoff(ctx context.Context, req *connect.Request[tandemv1.ClaimHandoffRequest]) (*connect.Response[tandemv1.ClaimHandoffResponse], error) {
	h, err := s.svc.Claim(ctx, principalFrom(ctx), req.Msg.HandoffId)
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	return connect.NewResponse(&tandemv1.ClaimHandoffResponse{Handoff: handoffToProto(h)}), nil
}

func (s *handoffServer) SendAgentMessage(ctx context.Context, req *connect.Request[tandemv1.SendAgentMessageRequest]) (*connect.Response[tandemv1.SendAgentMessageResponse], error) {
	m := req.Msg
	msg, err := s.svc.SendAgentMessage(ctx, principalFrom(ctx), m.HandoffId, m.Text, m.IdempotencyKey)
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	return connect.NewResponse(&tandemv1.SendAgentMessageResponse{Message: messageToProto(msg)}), nil
}

func (s *handoffServer) ResolveHandoff(ctx context.Context, req *connect.Request[tandemv1.ResolveHandoffRequest]) (*connect.Response[tandemv1.ResolveHandoffResponse], error) {
	h, err := s.svc.Resolve(ctx, principalFrom(ctx), req.Msg.HandoffId, req.Msg.Note)
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	return connect.NewResponse(&tandemv1.ResolveHandoffResponse{Handoff: handoffToProto(h)}), nil
}

func (s *handoffServer) SetAgentAvailability(ctx context.Context, req *connect.Request[tandemv1.SetAgentAvailabilityRequest]) (*connect.Response[tandemv1.SetAgentAvailabilityResponse], error) {
	p := principalFrom(ctx)
	if err := s.svc.SetAvailability(ctx, p, availabilities.domain(req.Msg.Availability)); err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	return connect.NewResponse(&tandemv1.SetAgentAvailabilityResponse{Agent: actorToProto(p.Actor()), Availability: req.Msg.Availability}), nil
}

func (s *handoffServer) UpdateTicketStatus(ctx context.Context, req *connect.Request[tandemv1.UpdateTicketStatusRequest]) (*connect.Response[tandemv1.UpdateTicketStatusResponse], error) {
	m := req.Msg
	h, err := s.svc.UpdateTicketStatus(ctx, principalFrom(ctx), m.GetHandoffId(), m.GetExternalTicketId(), ticketStatuses.domain(m.Status))
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	return connect.NewResponse(&tandemv1.UpdateTicketStatusResponse{Handoff: handoffToProto(h)}), nil
}
