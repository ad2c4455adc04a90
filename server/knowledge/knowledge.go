// Package knowledge keeps an account's knowledge base: articles (title, body in
// paragraphs, topic, optional URL) and the search skills answer from, which returns the
// paragraph that answers (not the whole article) with the matched words highlighted,
// tolerates typos, and finds nothing rather than something unrelated.
package knowledge

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/skill"
	"github.com/tandemhq/tandem/server/tools"
)

// Store is the storage the Service needs.
type Store interface {
	// CreateKnowledgeArticle stores a new article with its passages.
	CreateKnowledgeArticle(ctx context.Context, a domain.KnowledgeArticle) (domain.KnowledgeArticle, error)
	// UpdateKnowledgeArticle replaces an article's content; ENotFound if there is none.
	UpdateKnowledgeArticle(ctx context.Context, a domain.KnowledgeArticle) (domain.KnowledgeArticle, error)
	// DeleteKnowledgeArticle deletes an article; ENotFound if there is none.
	DeleteKnowledgeArticle(ctx context.Context, accountID, articleID string) error
	// ListKnowledgeArticles lists articles newest first.
	ListKnowledgeArticles(ctx context.Context, accountID string, topic domain.KnowledgeTopic, after *domain.Position, limit int) ([]domain.KnowledgeArticle, error)
	// SearchKnowledge returns the best passages, one per article.
	SearchKnowledge(ctx context.Context, accountID, query string, topics []domain.KnowledgeTopic, limit int) ([]domain.KnowledgePassage, error)
}

// The limits of an article, in characters after trimming spaces.
const (
	maxTitle = 200
	maxBody  = 20000
	maxURL   = 2048
	maxQuery = 1000
)

// DefaultSearchLimit is how many results a search returns when asked for none.
const DefaultSearchLimit = 5

// Service manages and searches knowledge bases.
type Service struct {
	store Store
	now   func() time.Time
}

// NewService returns a Service over st.
func NewService(st Store) *Service {
	return &Service{store: st, now: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }}
}

// Create adds an article to the account's knowledge base. Returns EInvalid for a blank
// or too long title or body, an unknown topic or a URL that is not http(s).
func (s *Service) Create(ctx context.Context, accountID string, a domain.KnowledgeArticle) (domain.KnowledgeArticle, error) {
	a, err := clean(a)
	if err != nil {
		return domain.KnowledgeArticle{}, err
	}
	a.AccountID, a.ID = accountID, uuid.NewString()
	a.CreatedAt = s.now()
	a.UpdatedAt = a.CreatedAt
	return s.store.CreateKnowledgeArticle(ctx, a)
}

// Update replaces the title, body, topic and URL of the account's article a.ID. Returns
// ENotFound if the account has no such article, EInvalid as Create does.
func (s *Service) Update(ctx context.Context, accountID string, a domain.KnowledgeArticle) (domain.KnowledgeArticle, error) {
	a, err := clean(a)
	if err != nil {
		return domain.KnowledgeArticle{}, err
	}
	a.AccountID = accountID
	a.UpdatedAt = s.now()
	return s.store.UpdateKnowledgeArticle(ctx, a)
}

// Delete removes the account's article. Returns ENotFound if there is none.
func (s *Service) Delete(ctx context.Context, accountID, articleID string) error {
	return s.store.DeleteKnowledgeArticle(ctx, accountID, articleID)
}

// List returns the account's articles newest first, of the topic when it is not empty,
// at most limit, continuing after the position when given, and the position of the next
// page (nil on the last).
func (s *Service) List(ctx context.Context, accountID string, topic domain.KnowledgeTopic, after *domain.Position, limit int) ([]domain.KnowledgeArticle, *domain.Position, error) {
	as, err := s.store.ListKnowledgeArticles(ctx, accountID, topic, after, limit+1)
	if err != nil {
		return nil, nil, err
	}
	page, next := domain.Page(as, limit, func(a domain.KnowledgeArticle) domain.Position {
		return domain.Position{CreatedAt: a.CreatedAt, ID: a.ID}
	})
	return page, next, nil
}

// Search returns the passages of the account's knowledge base that best answer query,
// best first, one per article and at most limit (DefaultSearchLimit when not positive),
// from the topics given (all when none). An empty result means the knowledge base has
// no answer. Returns EInvalid for a blank or too long query.
func (s *Service) Search(ctx context.Context, accountID, query string, topics []domain.KnowledgeTopic, limit int) ([]domain.KnowledgePassage, error) {
	query = strings.TrimSpace(query)
	if query == "" || utf8.RuneCountInString(query) > maxQuery {
		return nil, domain.Errorf(domain.EInvalid, "query must be 1 to %d characters", maxQuery)
	}
	if limit <= 0 {
		limit = DefaultSearchLimit
	}
	return s.store.SearchKnowledge(ctx, accountID, query, topics, limit)
}

// For returns the knowledge search tool of one account, for its skills.
func (s *Service) For(accountID string) tools.Knowledge {
	return accountKnowledge{svc: s, accountID: accountID}
}

// accountKnowledge is the knowledge search tool bound to one account.
type accountKnowledge struct {
	svc       *Service
	accountID string
}

// SearchKnowledge implements tools.Knowledge.
func (k accountKnowledge) SearchKnowledge(ctx context.Context, query string, topics []domain.KnowledgeTopic, limit int) ([]domain.KnowledgePassage, error) {
	return k.svc.Search(ctx, k.accountID, query, topics, limit)
}

// clean trims an article's fields and checks them.
func clean(a domain.KnowledgeArticle) (domain.KnowledgeArticle, error) {
	a.Title, a.Body, a.URL = strings.TrimSpace(a.Title), strings.TrimSpace(a.Body), strings.TrimSpace(a.URL)
	switch {
	case a.Title == "" || utf8.RuneCountInString(a.Title) > maxTitle:
		return a, domain.Errorf(domain.EInvalid, "title must be 1 to %d characters", maxTitle)
	case a.Body == "" || utf8.RuneCountInString(a.Body) > maxBody:
		return a, domain.Errorf(domain.EInvalid, "body must be 1 to %d characters", maxBody)
	case !slices.Contains(skill.Topics(), a.Topic):
		return a, domain.Errorf(domain.EInvalid, "unknown topic %q", a.Topic)
	case a.URL != "" && !webURL(a.URL):
		return a, domain.Errorf(domain.EInvalid, "url must be an http or https address of at most %d characters", maxURL)
	}
	return a, nil
}

// webURL reports whether s is an absolute http(s) URL of acceptable length.
func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && len(s) <= maxURL && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
