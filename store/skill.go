package store

import (
	"context"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/store/internal/dbsqlc"
)

// SkillState is what an account's skill statuses derive from.
type SkillState struct {
	// AgentEnabled is true while the Customer Agent answers.
	AgentEnabled bool
	// AgentChannels are the channels it answers on.
	AgentChannels []domain.Channel
	// TimeZone is the account's IANA time zone.
	TimeZone string
	// Providers are the connected integrations.
	Providers []domain.IntegrationProvider
	// Topics are the knowledge topics, among those asked about, that have articles.
	Topics []domain.KnowledgeTopic
}

// SkillState reads the account's agent settings and time zone, connected providers and
// which of topics its knowledge base covers, in one query. Returns ENotFound if there is no such
// account.
func (s *Store) SkillState(ctx context.Context, accountID string, topics []domain.KnowledgeTopic) (SkillState, error) {
	account, err := parseID("account id", accountID)
	if err != nil {
		return SkillState{}, err
	}
	row, err := s.queries.SkillAccountState(ctx, s.pool, dbsqlc.SkillAccountStateParams{AccountID: account, Topics: textArray(topics)})
	if err != nil {
		return SkillState{}, interpret(err, "account")
	}
	return SkillState{
		AgentEnabled:  row.AgentEnabled,
		AgentChannels: stringsAs[domain.Channel](row.AgentChannels),
		TimeZone:      row.TimeZone,
		Providers:     stringsAs[domain.IntegrationProvider](row.Providers),
		Topics:        stringsAs[domain.KnowledgeTopic](row.Topics),
	}, nil
}

// SkillConversationCounts returns, per skill, how many of the account's conversations
// have a message the skill produced; skills without any are absent.
func (s *Store) SkillConversationCounts(ctx context.Context, accountID string) (map[domain.SkillID]int64, error) {
	account, err := parseID("account id", accountID)
	if err != nil {
		return nil, err
	}
	rows, err := s.queries.SkillConversationCounts(ctx, s.pool, account)
	if err != nil {
		return nil, interpret(err, "message")
	}
	out := make(map[domain.SkillID]int64, len(rows))
	for _, r := range rows {
		out[domain.SkillID(r.Skill)] = r.Conversations
	}
	return out, nil
}

// CreateSkillRequest stores r. Returns EConflict if its id is taken.
func (s *Store) CreateSkillRequest(ctx context.Context, r domain.SkillRequest) (domain.SkillRequest, error) {
	account, err := parseID("account id", r.AccountID)
	if err != nil {
		return domain.SkillRequest{}, err
	}
	id, err := parseID("skill request id", r.ID)
	if err != nil {
		return domain.SkillRequest{}, err
	}
	questions := r.ExampleQuestions
	if questions == nil {
		questions = []string{}
	}
	row, err := s.queries.SkillRequestInsert(ctx, s.pool, dbsqlc.SkillRequestInsertParams{
		AccountID:        account,
		ID:               id,
		Description:      r.Description,
		ExampleQuestions: questions,
		RequestedByKind:  string(r.RequestedBy.Kind),
		RequestedByKeyID: r.RequestedBy.KeyID,
		RequestedByName:  r.RequestedBy.Name,
		CreatedAt:        r.CreatedAt,
	})
	if err != nil {
		return domain.SkillRequest{}, interpret(err, "skill request")
	}
	return skillRequestFromRow(row), nil
}

// ListSkillRequests returns the account's skill requests newest first, continuing after
// the position when given, at most limit of them (bounded as in ListConversations).
func (s *Store) ListSkillRequests(ctx context.Context, accountID string, after *domain.Position, limit int) ([]domain.SkillRequest, error) {
	account, err := parseID("account id", accountID)
	if err != nil {
		return nil, err
	}
	p := dbsqlc.SkillRequestListParams{AccountID: account, Max: limitParam(limit)}
	if after != nil {
		if p.AfterID, err = parseID("skill request id", after.ID); err != nil {
			return nil, err
		}
		p.AfterCreatedAt = &after.CreatedAt
	}
	rows, err := s.queries.SkillRequestList(ctx, s.pool, p)
	if err != nil {
		return nil, interpret(err, "skill request")
	}
	out := make([]domain.SkillRequest, len(rows))
	for i, r := range rows {
		out[i] = skillRequestFromRow(r)
	}
	return out, nil
}

// skillRequestFromRow converts a row of skill_requests.
func skillRequestFromRow(r dbsqlc.SkillRequest) domain.SkillRequest {
	return domain.SkillRequest{
		AccountID:        idString(r.AccountID),
		ID:               idString(r.ID),
		Description:      r.Description,
		ExampleQuestions: r.ExampleQuestions,
		RequestedBy:      domain.Actor{Kind: domain.ActorKind(r.RequestedByKind), KeyID: r.RequestedByKeyID, Name: r.RequestedByName},
		CreatedAt:        r.CreatedAt.UTC(),
	}
}

// stringsAs converts a text[] column to a slice of a domain string type.
func stringsAs[T ~string](values []string) []T {
	out := make([]T, len(values))
	for i, v := range values {
		out[i] = T(v)
	}
	return out
}
