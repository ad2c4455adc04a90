package api

import (
	"context"
	"log/slog"

	"connectrpc.com/connect"

	tandemv1 "github.com/tandemhq/tandem/gen/tandem/v1"
	"github.com/tandemhq/tandem/gen/tandem/v1/tandemv1connect"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/integration"
	"github.com/tandemhq/tandem/server/knowledge"
	"github.com/tandemhq/tandem/server/skill"
)

// skillServer serves SkillService.
type skillServer struct {
	tandemv1connect.UnimplementedSkillServiceHandler
	skills       *skill.Service
	integrations *integration.Service
	knowledge    *knowledge.Service
	agent        domain.Agent
	logger       *slog.Logger
}

func (s *skillServer) ListSkills(ctx context.Context, req *connect.Request[tandemv1.ListSkillsRequest]) (*connect.Response[tandemv1.ListSkillsResponse], error) {
	all, err := s.skills.List(ctx, principalFrom(ctx).AccountID)
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	page, next, err := offsetPage(all, req.Msg.PageSize, req.Msg.PageToken, skillToProto)
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	return connect.NewResponse(&tandemv1.ListSkillsResponse{Skills: page, NextPageToken: next}), nil
}

func (s *skillServer) GetSkill(ctx context.Context, req *connect.Request[tandemv1.GetSkillRequest]) (*connect.Response[tandemv1.GetSkillResponse], error) {
	sk, err := s.skills.Get(ctx, principalFrom(ctx).AccountID, skills.domain(req.Msg.SkillId))
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	return connect.NewResponse(&tandemv1.GetSkillResponse{Skill: skillToProto(sk)}), nil
}

// PreviewMessage runs the agent on a conversation that exists only for this call: the
// account's, on the channel, with the visitor logged in as the profile when one is given,
// and the earlier turns as history. Nothing is stored.
func (s *skillServer) PreviewMessage(ctx context.Context, req *connect.Request[tandemv1.PreviewMessageRequest]) (*connect.Response[tandemv1.PreviewMessageResponse], error) {
	m := req.Msg
	turn := domain.Turn{
		Conversation: domain.Conversation{
			AccountID: principalFrom(ctx).AccountID, Channel: channels.domain(m.Channel), Status: domain.StatusAIActive,
			Visitor: domain.Visitor{Authenticated: m.ProfileId != "", ProfileID: m.ProfileId},
		},
		Message: domain.Message{Author: domain.AuthorVisitor, Text: m.Text},
	}
	for _, h := range m.History {
		turn.History = append(turn.History, domain.Message{Author: authors.domain(h.Author), Text: h.Text})
	}
	reply, err := s.agent.Respond(ctx, turn)
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	out := &tandemv1.PreviewMessageResponse{Decision: routingDecisionToProto(reply.Decision), Messages: messagesToProto(reply.Messages)}
	if reply.Handoff != nil {
		out.HandoffReason = handoffReasons.proto(reply.Handoff.Reason)
	}
	return connect.NewResponse(out), nil
}

func (s *skillServer) RequestSkill(ctx context.Context, req *connect.Request[tandemv1.RequestSkillRequest]) (*connect.Response[tandemv1.RequestSkillResponse], error) {
	r, err := s.skills.RequestSkill(ctx, principalFrom(ctx), req.Msg.Description, req.Msg.ExampleQuestions)
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	return connect.NewResponse(&tandemv1.RequestSkillResponse{SkillRequest: skillRequestToProto(r)}), nil
}

func (s *skillServer) ListSkillRequests(ctx context.Context, req *connect.Request[tandemv1.ListSkillRequestsRequest]) (*connect.Response[tandemv1.ListSkillRequestsResponse], error) {
	after, err := parseNewestFirstPageToken(req.Msg.PageToken)
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	rs, next, err := s.skills.ListRequests(ctx, principalFrom(ctx).AccountID, after, pageSize(req.Msg.PageSize))
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	out := &tandemv1.ListSkillRequestsResponse{NextPageToken: newestFirstPageToken(next)}
	for _, r := range rs {
		out.SkillRequests = append(out.SkillRequests, skillRequestToProto(r))
	}
	return connect.NewResponse(out), nil
}

func (s *skillServer) ListIntegrations(ctx context.Context, req *connect.Request[tandemv1.ListIntegrationsRequest]) (*connect.Response[tandemv1.ListIntegrationsResponse], error) {
	all, err := s.integrations.List(ctx, principalFrom(ctx).AccountID)
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	page, next, err := offsetPage(all, req.Msg.PageSize, req.Msg.PageToken, integrationToProto)
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	return connect.NewResponse(&tandemv1.ListIntegrationsResponse{Integrations: page, NextPageToken: next}), nil
}

func (s *skillServer) ConnectIntegration(ctx context.Context, req *connect.Request[tandemv1.ConnectIntegrationRequest]) (*connect.Response[tandemv1.ConnectIntegrationResponse], error) {
	in, err := s.integrations.Connect(ctx, principalFrom(ctx).AccountID, connectInput(req.Msg))
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	return connect.NewResponse(&tandemv1.ConnectIntegrationResponse{Integration: integrationToProto(in)}), nil
}

func (s *skillServer) DisconnectIntegration(ctx context.Context, req *connect.Request[tandemv1.DisconnectIntegrationRequest]) (*connect.Response[tandemv1.DisconnectIntegrationResponse], error) {
	in, err := s.integrations.Disconnect(ctx, principalFrom(ctx).AccountID, providers.domain(req.Msg.Provider))
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	return connect.NewResponse(&tandemv1.DisconnectIntegrationResponse{Integration: integrationToProto(in)}), nil
}

func (s *skillServer) CreateKnowledgeArticle(ctx context.Context, req *connect.Request[tandemv1.CreateKnowledgeArticleRequest]) (*connect.Response[tandemv1.CreateKnowledgeArticleResponse], error) {
	m := req.Msg
	a, err := s.knowledge.Create(ctx, principalFrom(ctx).AccountID, domain.KnowledgeArticle{
		Title: m.Title, Body: m.Body, Topic: knowledgeTopics.domain(m.Topic), URL: m.Url,
	})
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	return connect.NewResponse(&tandemv1.CreateKnowledgeArticleResponse{Article: knowledgeArticleToProto(a)}), nil
}

func (s *skillServer) UpdateKnowledgeArticle(ctx context.Context, req *connect.Request[tandemv1.UpdateKnowledgeArticleRequest]) (*connect.Response[tandemv1.UpdateKnowledgeArticleResponse], error) {
	m := req.Msg
	a, err := s.knowledge.Update(ctx, principalFrom(ctx).AccountID, domain.KnowledgeArticle{
		ID: m.ArticleId, Title: m.Title, Body: m.Body, Topic: knowledgeTopics.domain(m.Topic), URL: m.Url,
	})
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	return connect.NewResponse(&tandemv1.UpdateKnowledgeArticleResponse{Article: knowledgeArticleToProto(a)}), nil
}

func (s *skillServer) DeleteKnowledgeArticle(ctx context.Context, req *connect.Request[tandemv1.DeleteKnowledgeArticleRequest]) (*connect.Response[tandemv1.DeleteKnowledgeArticleResponse], error) {
	if err := s.knowledge.Delete(ctx, principalFrom(ctx).AccountID, req.Msg.ArticleId); err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	return connect.NewResponse(&tandemv1.DeleteKnowledgeArticleResponse{}), nil
}

func (s *skillServer) ListKnowledgeArticles(ctx context.Context, req *connect.Request[tandemv1.ListKnowledgeArticlesRequest]) (*connect.Response[tandemv1.ListKnowledgeArticlesResponse], error) {
	m := req.Msg
	after, err := parseNewestFirstPageToken(m.PageToken)
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	as, next, err := s.knowledge.List(ctx, principalFrom(ctx).AccountID, knowledgeTopics.domain(m.Topic), after, pageSize(m.PageSize))
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	out := &tandemv1.ListKnowledgeArticlesResponse{NextPageToken: newestFirstPageToken(next)}
	for _, a := range as {
		out.Articles = append(out.Articles, knowledgeArticleToProto(a))
	}
	return connect.NewResponse(out), nil
}

func (s *skillServer) SearchKnowledge(ctx context.Context, req *connect.Request[tandemv1.SearchKnowledgeRequest]) (*connect.Response[tandemv1.SearchKnowledgeResponse], error) {
	m := req.Msg
	var topics []domain.KnowledgeTopic
	if m.Topic != tandemv1.KnowledgeTopic_KNOWLEDGE_TOPIC_UNSPECIFIED {
		topics = []domain.KnowledgeTopic{knowledgeTopics.domain(m.Topic)}
	}
	ps, err := s.knowledge.Search(ctx, principalFrom(ctx).AccountID, m.Query, topics, int(m.PageSize))
	if err != nil {
		return nil, connectError(ctx, s.logger, err)
	}
	out := &tandemv1.SearchKnowledgeResponse{}
	for _, p := range ps {
		out.Results = append(out.Results, searchResultToProto(p))
	}
	return connect.NewResponse(out), nil
}
