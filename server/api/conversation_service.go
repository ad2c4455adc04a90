package api

import (
	"context"
	"log/slog"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/timestamppb"

	tandemv1 "github.com/tandemhq/tandem/gen/tandem/v1"
	"github.com/tandemhq/tandem/gen/tandem/v1/tandemv1connect"
	"github.com/tandemhq/tandem/server/conversation"
	"github.com/tandemhq/tandem/server/domain"
)

// conversationServer serves ConversationService.
type conversationServer struct {
	tandemv1connect.UnimplementedConversationServiceHandler
	svc    *conversation.Service
	logger *slog.Logger
}

func (s *conversationServer) StartConversation(ctx context.Context, req *connect.Request[tandemv1.StartConversationRequest]) (*connect.Response[tandemv1.StartConversationResponse], error) {
	m := req.Msg
	started, err := s.svc.Start(ctx, principalFrom(ctx), conversation.StartInput{
		Channel: channels.domain(m.Channel), SenderAddress: m.SenderAddress, IdentityToken: m.IdentityToken,
		PageURL: m.PageUrl, Locale: m.Locale,
	})
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	return connect.NewResponse(&tandemv1.StartConversationResponse{
		Conversation: conversationToProto(started.Conversation), VisitorToken: started.VisitorToken,
		VisitorTokenExpireTime: timestamp(started.VisitorTokenExpiry), Messages: messagesToProto(started.Messages),
	}), nil
}

func (s *conversationServer) SendMessage(ctx context.Context, req *connect.Request[tandemv1.SendMessageRequest]) (*connect.Response[tandemv1.SendMessageResponse], error) {
	m := req.Msg
	c, msgs, err := s.svc.Send(ctx, principalFrom(ctx), conversation.SendInput{
		ConversationID: m.ConversationId, IdempotencyKey: m.IdempotencyKey, Text: m.GetText(), QuickReplyID: m.GetQuickReplyId(),
	})
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	return connect.NewResponse(&tandemv1.SendMessageResponse{Conversation: conversationToProto(c), Messages: messagesToProto(msgs)}), nil
}

func (s *conversationServer) IdentifyVisitor(ctx context.Context, req *connect.Request[tandemv1.IdentifyVisitorRequest]) (*connect.Response[tandemv1.IdentifyVisitorResponse], error) {
	m := req.Msg
	c, err := s.svc.Identify(ctx, principalFrom(ctx), conversation.IdentifyInput{
		ConversationID: m.ConversationId, IdentityToken: m.GetIdentityToken(), Email: m.GetEmail(),
	})
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	return connect.NewResponse(&tandemv1.IdentifyVisitorResponse{Conversation: conversationToProto(c)}), nil
}

func (s *conversationServer) GetConversation(ctx context.Context, req *connect.Request[tandemv1.GetConversationRequest]) (*connect.Response[tandemv1.GetConversationResponse], error) {
	c, msgs, err := s.svc.Get(ctx, principalFrom(ctx), req.Msg.ConversationId)
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	return connect.NewResponse(&tandemv1.GetConversationResponse{Conversation: conversationToProto(c), Messages: messagesToProto(msgs)}), nil
}

func (s *conversationServer) ListConversations(ctx context.Context, req *connect.Request[tandemv1.ListConversationsRequest]) (*connect.Response[tandemv1.ListConversationsResponse], error) {
	m := req.Msg
	after, err := parseNewestFirstPageToken(m.PageToken)
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	f := domain.ConversationFilter{
		Statuses: statuses.domains(m.Statuses), Channels: channels.domains(m.Channels), Skills: skills.domains(m.Skills),
		VisitorEmail: m.VisitorEmail, After: after, Limit: pageSize(m.PageSize),
	}
	if m.StartTime != nil {
		f.From = m.StartTime.AsTime()
	}
	if m.EndTime != nil {
		f.To = m.EndTime.AsTime()
	}
	cs, next, err := s.svc.List(ctx, principalFrom(ctx), f)
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	return connect.NewResponse(&tandemv1.ListConversationsResponse{Conversations: conversationsToProto(cs), NextPageToken: newestFirstPageToken(next)}), nil
}

func (s *conversationServer) CloseConversation(ctx context.Context, req *connect.Request[tandemv1.CloseConversationRequest]) (*connect.Response[tandemv1.CloseConversationResponse], error) {
	c, err := s.svc.Close(ctx, principalFrom(ctx), req.Msg.ConversationId, req.Msg.Reason)
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	return connect.NewResponse(&tandemv1.CloseConversationResponse{Conversation: conversationToProto(c)}), nil
}

func (s *conversationServer) WatchConversation(ctx context.Context, req *connect.Request[tandemv1.WatchConversationRequest], stream *connect.ServerStream[tandemv1.WatchConversationResponse]) error {
	sink := watchSink{stream}
	err := s.svc.Watch(ctx, principalFrom(ctx), req.Msg.ConversationId, req.Msg.AfterSequence, sink)
	if err != nil {
		return connectError(ctx, s.logger, err)
	}
	return nil
}

func (s *conversationServer) StreamConversations(ctx context.Context, req *connect.Request[tandemv1.StreamConversationsRequest], stream *connect.ServerStream[tandemv1.StreamConversationsResponse]) error {
	m := req.Msg
	f := domain.EventFilter{Channels: channels.domains(m.Channels), Types: eventTypes.domains(m.EventTypes), AfterCursor: m.AfterCursor}
	if err := s.svc.Stream(ctx, principalFrom(ctx), f, streamSink{stream}); err != nil {
		return connectError(ctx, s.logger, err)
	}
	return nil
}

type watchSink struct {
	stream *connect.ServerStream[tandemv1.WatchConversationResponse]
}

func (w watchSink) Event(e domain.Event) error {
	return w.stream.Send(&tandemv1.WatchConversationResponse{Item: &tandemv1.WatchConversationResponse_Event{Event: eventToProto(e)}})
}

func (w watchSink) Heartbeat(t time.Time) error {
	return w.stream.Send(&tandemv1.WatchConversationResponse{Item: &tandemv1.WatchConversationResponse_HeartbeatTime{HeartbeatTime: timestamppb.New(t)}})
}

type streamSink struct {
	stream *connect.ServerStream[tandemv1.StreamConversationsResponse]
}

func (w streamSink) Event(e domain.Event) error {
	return w.stream.Send(&tandemv1.StreamConversationsResponse{Item: &tandemv1.StreamConversationsResponse_Event{Event: eventToProto(e)}})
}

func (w streamSink) Heartbeat(t time.Time) error {
	return w.stream.Send(&tandemv1.StreamConversationsResponse{Item: &tandemv1.StreamConversationsResponse_HeartbeatTime{HeartbeatTime: timestamppb.New(t)}})
}
