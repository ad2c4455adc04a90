// Package ratelimit limits how fast each credential may call: token buckets per visitor
// conversation, per API key and per site key, held in memory on each replica.
package ratelimit

import (
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/tandemhq/tandem/server/domain"
)

// Limit is a sustained rate with a burst.
type Limit struct {
	// PerSecond is the sustained rate.
	PerSecond float64
	// Burst is how many calls may come at once.
	Burst int
}

// Config holds the limits per kind of credential.
type Config struct {
	// Visitor limits each visitor token.
	Visitor Limit
	// APIKey limits each account API key.
	APIKey Limit
	// SiteKey limits each account's public site key (all its widgets together).
	SiteKey Limit
}

// Limiter holds one token bucket per credential.
type Limiter struct {
	cfg     Config
	mu      sync.Mutex
	buckets map[string]*bucket
	now     func() time.Time
}

type bucket struct {
	limiter *rate.Limiter
	seen    time.Time
}

// New returns a Limiter with the limits.
func New(cfg Config) *Limiter {
	return &Limiter{cfg: cfg, buckets: map[string]*bucket{}, now: time.Now}
}

// Allow takes a token from the principal's bucket, or returns ERateLimited saying when
// to retry.
func (l *Limiter) Allow(p domain.Principal) error {
	key, limit := l.keyOf(p)
	now := l.now()
	l.mu.Lock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) > 100_000 {
			l.pruneLocked(now)
		}
		b = &bucket{limiter: rate.NewLimiter(rate.Limit(limit.PerSecond), limit.Burst)}
		l.buckets[key] = b
	}
	b.seen = now
	r := b.limiter.ReserveN(now, 1)
	l.mu.Unlock()
	if delay := r.DelayFrom(now); delay > 0 {
		r.CancelAt(now)
		return &domain.Error{Code: domain.ERateLimited, RetryAfter: delay,
			Message: "too many requests from this credential: retry after " + delay.Round(time.Millisecond).String()}
	}
	return nil
}

func (l *Limiter) keyOf(p domain.Principal) (string, Limit) {
	switch p.Kind {
	case domain.PrincipalVisitor:
		return "v:" + p.ConversationID, l.cfg.Visitor
	case domain.PrincipalSiteKey:
		return "s:" + p.AccountID, l.cfg.SiteKey
	default:
		return "k:" + p.KeyID, l.cfg.APIKey
	}
}

// pruneLocked forgets buckets idle for a minute (they are full again by then).
func (l *Limiter) pruneLocked(now time.Time) {
	for k, b := range l.buckets {
		if now.Sub(b.seen) > time.Minute {
			delete(l.buckets, k)
		}
	}
}
