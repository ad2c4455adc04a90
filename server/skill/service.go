package skill

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/store"
)

// Store is the storage the Service needs.
type Store interface {
	// SkillState reads the agent settings, connected providers and covered topics.
	SkillState(ctx context.Context, accountID string, topics []domain.KnowledgeTopic) (store.SkillState, error)
	// SkillConversationCounts counts conversations per skill.
	SkillConversationCounts(ctx context.Context, accountID string) (map[domain.SkillID]int64, error)
	// CreateSkillRequest stores a skill request.
	CreateSkillRequest(ctx context.Context, r domain.SkillRequest) (domain.SkillRequest, error)
	// ListSkillRequests lists skill requests newest first.
	ListSkillRequests(ctx context.Context, accountID string, after *domain.Position, limit int) ([]domain.SkillRequest, error)
}

// Service shows an account its skills with their status and volume, and records skill
// requests.
type Service struct {
	store Store
	now   func() time.Time
}

// NewService returns a Service over st.
func NewService(st Store) *Service {
	return &Service{store: st, now: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }}
}

// AccountSkill is a catalog skill with its status for an account and its volume.
type AccountSkill struct {
	// Skill is the catalog skill.
	Skill Skill
	// Derived is its status now.
	Derived Derived
	// Conversations is how many conversations have a message it produced.
	Conversations int64
}

// State gathers what skill statuses derive from, in one query: the Customer Agent's
// switch and channels, and the prerequisites met by the connected integrations and the
// knowledge base's topics. Returns ENotFound if there is no such account.
func (s *Service) State(ctx context.Context, accountID string) (AccountState, error) {
	st, err := s.store.SkillState(ctx, accountID, Topics())
	if err != nil {
		return AccountState{}, err
	}
	return stateOf(st), nil
}

// stateOf derives the account state from what the store read.
func stateOf(st store.SkillState) AccountState {
	var met []Prerequisite
	for _, p := range st.Providers {
		met = append(met, ProviderPrerequisites(p)...)
	}
	for _, t := range st.Topics {
		if p, ok := TopicPrerequisite(t); ok {
			met = append(met, p)
		}
	}
	return NewAccountState(st.AgentEnabled, st.AgentChannels, met...)
}

// Statuses are every catalog skill's status for an account, with the account's time
// zone, in which answers write dates.
type Statuses struct {
	// Skills maps each catalog skill to its status.
	Skills map[domain.SkillID]Derived
	// Location is the account's time zone (UTC when its name does not load).
	Location *time.Location
}

// Statuses returns every skill's status for the account, for the agent to decide whether
// a skill may answer, and the account's time zone, in one query.
func (s *Service) Statuses(ctx context.Context, accountID string) (Statuses, error) {
	st, err := s.store.SkillState(ctx, accountID, Topics())
	if err != nil {
		return Statuses{}, err
	}
	state := stateOf(st)
	out := Statuses{Skills: make(map[domain.SkillID]Derived, len(catalog)), Location: domain.ZoneOrUTC(st.TimeZone)}
	for _, sk := range catalog {
		out.Skills[sk.ID] = Derive(sk, state)
	}
	return out, nil
}

// List returns the catalog's skills in order with their status and volume.
func (s *Service) List(ctx context.Context, accountID string) ([]AccountSkill, error) {
	st, err := s.State(ctx, accountID)
	if err != nil {
		return nil, err
	}
	counts, err := s.store.SkillConversationCounts(ctx, accountID)
	if err != nil {
		return nil, err
	}
	skills := Catalog()
	out := make([]AccountSkill, len(skills))
	for i, sk := range skills {
		out[i] = AccountSkill{Skill: sk, Derived: Derive(sk, st), Conversations: counts[sk.ID]}
	}
	return out, nil
}

// Get returns one skill with its status and volume. Returns ENotFound for an id the
// catalog lacks.
func (s *Service) Get(ctx context.Context, accountID string, id domain.SkillID) (AccountSkill, error) {
	if _, ok := Lookup(id); !ok {
		return AccountSkill{}, domain.Errorf(domain.ENotFound, "skill %q not found", id)
	}
	all, err := s.List(ctx, accountID)
	if err != nil {
		return AccountSkill{}, err
	}
	for _, st := range all {
		if st.Skill.ID == id {
			return st, nil
		}
	}
	return AccountSkill{}, domain.Errorf(domain.ENotFound, "skill %q not found", id)
}

// The limits of a skill request, in characters after trimming spaces.
const (
	minRequestDescription = 10
	maxRequestDescription = 2000
	maxExampleQuestions   = 10
	maxExampleQuestion    = 1000
)

// RequestSkill records the principal's description of questions no skill covers, with
// example visitor questions. Returns EInvalid for a description of fewer than 10 or more
// than 2,000 characters, or more than ten or blank examples.
func (s *Service) RequestSkill(ctx context.Context, p domain.Principal, description string, examples []string) (domain.SkillRequest, error) {
	description = strings.TrimSpace(description)
	if n := utf8.RuneCountInString(description); n < minRequestDescription || n > maxRequestDescription {
		return domain.SkillRequest{}, domain.Errorf(domain.EInvalid, "description must be %d to %d characters: describe the questions visitors ask that no skill answers", minRequestDescription, maxRequestDescription)
	}
	if len(examples) > maxExampleQuestions {
		return domain.SkillRequest{}, domain.Errorf(domain.EInvalid, "give at most %d example questions", maxExampleQuestions)
	}
	questions := make([]string, len(examples))
	for i, q := range examples {
		questions[i] = strings.TrimSpace(q)
		if n := utf8.RuneCountInString(questions[i]); n == 0 || n > maxExampleQuestion {
			return domain.SkillRequest{}, domain.Errorf(domain.EInvalid, "example question %d must be 1 to %d characters", i+1, maxExampleQuestion)
		}
	}
	return s.store.CreateSkillRequest(ctx, domain.SkillRequest{
		AccountID: p.AccountID, ID: uuid.NewString(), Description: description, ExampleQuestions: questions,
		RequestedBy: p.Actor(), CreatedAt: s.now(),
	})
}

// ListRequests returns the account's skill requests newest first, at most limit,
// continuing after the position when given, and the position of the next page (nil on
// the last).
func (s *Service) ListRequests(ctx context.Context, accountID string, after *domain.Position, limit int) ([]domain.SkillRequest, *domain.Position, error) {
	rs, err := s.store.ListSkillRequests(ctx, accountID, after, limit+1)
	if err != nil {
		return nil, nil, err
	}
	page, next := domain.Page(rs, limit, func(r domain.SkillRequest) domain.Position {
		return domain.Position{CreatedAt: r.CreatedAt, ID: r.ID}
	})
	return page, next, nil
}
