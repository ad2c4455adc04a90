package app

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/server/accountcache"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/skill"
	"github.com/tandemhq/tandem/store"
)

// forgettingStore is the store of the services that change cached account state
// (integrations, knowledge articles, handoff settings): each successful change makes
// this replica forget the account's cached state.
type forgettingStore struct {
	*store.Store
	cache *accountcache.Cache
}

// forget drops the account's cached state when err is nil, and returns err.
func (s forgettingStore) forget(accountID string, err error) error {
	if err == nil {
		s.cache.Forget(accountID)
	}
	return err
}

// ConnectIntegration stores a connection and forgets the account's cached state.
func (s forgettingStore) ConnectIntegration(ctx context.Context, r store.IntegrationRecord) (store.IntegrationRecord, error) {
	out, err := s.Store.ConnectIntegration(ctx, r)
	return out, s.forget(r.Integration.AccountID, err)
}

// DisconnectIntegration deletes a connection and forgets the account's cached state.
func (s forgettingStore) DisconnectIntegration(ctx context.Context, accountID string, p domain.IntegrationProvider) (bool, error) {
	was, err := s.Store.DisconnectIntegration(ctx, accountID, p)
	return was, s.forget(accountID, err)
}

// CreateKnowledgeArticle stores an article and forgets the account's cached state.
func (s forgettingStore) CreateKnowledgeArticle(ctx context.Context, a domain.KnowledgeArticle) (domain.KnowledgeArticle, error) {
	out, err := s.Store.CreateKnowledgeArticle(ctx, a)
	return out, s.forget(a.AccountID, err)
}

// UpdateKnowledgeArticle changes an article and forgets the account's cached state.
func (s forgettingStore) UpdateKnowledgeArticle(ctx context.Context, a domain.KnowledgeArticle) (domain.KnowledgeArticle, error) {
	out, err := s.Store.UpdateKnowledgeArticle(ctx, a)
	return out, s.forget(a.AccountID, err)
}

// DeleteKnowledgeArticle deletes an article and forgets the account's cached state.
func (s forgettingStore) DeleteKnowledgeArticle(ctx context.Context, accountID, articleID string) error {
	return s.forget(accountID, s.Store.DeleteKnowledgeArticle(ctx, accountID, articleID))
}

// SaveHandoffSettings replaces the handoff settings and forgets the account's cached state.
func (s forgettingStore) SaveHandoffSettings(ctx context.Context, accountID string, hs domain.HandoffSettings, now time.Time) error {
	return s.forget(accountID, s.Store.SaveHandoffSettings(ctx, accountID, hs, now))
}

// cachedStatuses gives the agent the account's skill statuses from the cache.
type cachedStatuses accountcache.Loader[skill.Statuses]

// Statuses returns the account's skill statuses and time zone.
func (l cachedStatuses) Statuses(ctx context.Context, accountID string) (skill.Statuses, error) {
	return l(ctx, accountID)
}

// cachedIntegrations gives the tool resolver the account's connected integrations from
// the cache.
type cachedIntegrations accountcache.Loader[[]domain.Integration]

// Connected returns the account's connected integrations with their credentials.
func (l cachedIntegrations) Connected(ctx context.Context, accountID string) ([]domain.Integration, error) {
	return l(ctx, accountID)
}
