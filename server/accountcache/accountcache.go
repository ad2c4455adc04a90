// Package accountcache keeps, per replica and for a short time, the account state that
// every conversation turn reads (skill statuses with the time zone, connected
// integrations, handoff settings), so that a turn does not query it again and again.
//
// A change made through this replica calls Forget and is seen by the next turn at once;
// a change made through another replica is seen here within the TTL.
package accountcache

import (
	"context"
	"sync"
	"time"
)

// DefaultTTL is how long a replica serves account state before reading it again: how
// late other replicas' changes may be seen.
const DefaultTTL = 2 * time.Second

// Cache holds account state loaded by Cached loaders, per account, until it expires or
// Forget drops it. A nil *Cache caches nothing. It holds at most one value per account
// and loader kind.
type Cache struct {
	ttl      time.Duration
	now      func() time.Time
	mu       sync.Mutex
	accounts map[string]*account
}

// account is what a Cache holds for one account.
type account struct {
	generation uint64 // counts Forget calls, so a load racing one is not kept
	values     map[string]entry
}

// entry is a loaded value and when it expires.
type entry struct {
	value   any
	expires time.Time
}

// New returns a Cache keeping values for ttl.
func New(ttl time.Duration) *Cache {
	return &Cache{ttl: ttl, now: time.Now, accounts: map[string]*account{}}
}

// Forget drops everything cached for the account: this replica's next read loads it
// from the database. Call it after every change of the account's state.
func (c *Cache) Forget(accountID string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if a, ok := c.accounts[accountID]; ok {
		a.generation++
		clear(a.values)
	}
}

// Loader loads one kind of an account's state.
type Loader[V any] func(ctx context.Context, accountID string) (V, error)

// Cached returns a loader serving load's values from c until they expire; errors are
// not kept. Kind names the state and must be unique among c's loaders. Callers share
// the values and must not modify them.
func Cached[V any](c *Cache, kind string, load Loader[V]) Loader[V] {
	if c == nil {
		return load
	}
	return func(ctx context.Context, accountID string) (V, error) {
		if v, ok := c.get(accountID, kind); ok {
			return v.(V), nil
		}
		generation := c.generation(accountID)
		v, err := load(ctx, accountID)
		if err == nil {
			c.put(accountID, kind, generation, v)
		}
		return v, err
	}
}

// get returns the unexpired value of kind for the account.
func (c *Cache) get(accountID, kind string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.accounts[accountID]
	if !ok {
		return nil, false
	}
	e, ok := a.values[kind]
	if !ok || !c.now().Before(e.expires) {
		return nil, false
	}
	return e.value, true
}

// generation returns the account's Forget count, registering the account.
func (c *Cache) generation(accountID string) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.accounts[accountID]
	if !ok {
		a = &account{values: map[string]entry{}}
		c.accounts[accountID] = a
	}
	return a.generation
}

// put keeps a value loaded at generation, unless Forget was called since.
func (c *Cache) put(accountID, kind string, generation uint64, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := c.accounts[accountID]
	if a.generation != generation {
		return
	}
	a.values[kind] = entry{value: v, expires: c.now().Add(c.ttl)}
}
