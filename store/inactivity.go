package store

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/store/internal/dbsqlc"
)

// IdleConversations returns conversations the AI has (AI_ACTIVE, awaiting the visitor's
// consent or email) in which nothing changed for their account's inactivity timeout
// (defaultTimeout for accounts that set none) as of now: at most perAccount of each
// account, the longest idle first, and at most limit in all.
func (s *Store) IdleConversations(ctx context.Context, now time.Time, defaultTimeout time.Duration, perAccount, limit int) ([]domain.IdleConversation, error) {
	rows, err := s.queries.InactivityListIdle(ctx, s.pool, dbsqlc.InactivityListIdleParams{
		DefaultSeconds: int32(defaultTimeout / time.Second), Now: now, PerAccount: int32(perAccount), Max: int32(limit),
	})
	if err != nil {
		return nil, interpret(err, "conversation")
	}
	out := make([]domain.IdleConversation, len(rows))
	for i, r := range rows {
		out[i] = domain.IdleConversation{AccountID: idString(r.AccountID), ID: idString(r.ID),
			Timeout: time.Duration(r.TimeoutSeconds) * time.Second}
	}
	return out, nil
}
