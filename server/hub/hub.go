// Package hub fans conversation events out to the streams of one replica. Writers commit
// events to PostgreSQL, whose trigger sends NOTIFY with ids only; each replica holds one
// listening connection and wakes the streams whose conversation or account moved. Streams
// then read the events from the table through the pool, so a stream never holds a
// database connection of its own.
package hub

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tandemhq/tandem/server/domain"
)

// Channel is the PostgreSQL notification channel the events trigger notifies.
const Channel = "tandem_events"

// LiveChannel carries live-only events (typing) as JSON; they are never stored.
const LiveChannel = "tandem_live"

// Subscription wakes its owner when events may be waiting. Wakes coalesce: one pending
// wake stands for any number of notifications.
type Subscription struct {
	// C receives a value when new events may be waiting.
	C <-chan struct{}
	// Live receives live-only events of the conversation (typing); a slow reader
	// misses some, which only ever hides a typing indicator.
	Live <-chan *domain.Event

	c       chan struct{}
	live    chan *domain.Event
	hub     *Hub
	key     string
	account bool
}

func (s *Subscription) deliver(e *domain.Event) {
	select {
	case s.live <- e:
	default:
	}
}

func (s *Subscription) wake() {
	select {
	case s.c <- struct{}{}:
	default:
	}
}

// Close stops the subscription.
func (s *Subscription) Close() { s.hub.remove(s) }

// Hub holds one replica's subscriptions.
type Hub struct {
	mu            sync.Mutex
	conversations map[string]map[*Subscription]struct{}
	accounts      map[string]map[*Subscription]struct{}
	logger        *slog.Logger
}

// New returns an empty hub.
func New(logger *slog.Logger) *Hub {
	return &Hub{
		conversations: map[string]map[*Subscription]struct{}{},
		accounts:      map[string]map[*Subscription]struct{}{},
		logger:        logger,
	}
}

// SubscribeConversation wakes on every change to one conversation.
func (h *Hub) SubscribeConversation(accountID, conversationID string) *Subscription {
	return h.add(accountID+" "+conversationID, false)
}

// SubscribeAccount wakes on every change to any conversation of the account.
func (h *Hub) SubscribeAccount(accountID string) *Subscription {
	return h.add(accountID, true)
}

func (h *Hub) add(key string, account bool) *Subscription {
	c, live := make(chan struct{}, 1), make(chan *domain.Event, 4)
	s := &Subscription{C: c, Live: live, c: c, live: live, hub: h, key: key, account: account}
	h.mu.Lock()
	defer h.mu.Unlock()
	m := h.index(account)
	if m[key] == nil {
		m[key] = map[*Subscription]struct{}{}
	}
	m[key][s] = struct{}{}
	return s
}

func (h *Hub) remove(s *Subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	m := h.index(s.account)
	delete(m[s.key], s)
	if len(m[s.key]) == 0 {
		delete(m, s.key)
	}
}

func (h *Hub) index(account bool) map[string]map[*Subscription]struct{} {
	if account {
		return h.accounts
	}
	return h.conversations
}

// Notify wakes the subscribers of the conversation and of its account.
func (h *Hub) Notify(accountID, conversationID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.conversations[accountID+" "+conversationID] {
		s.wake()
	}
	for s := range h.accounts[accountID] {
		s.wake()
	}
}

// wakeAll wakes every subscriber, after the listener missed notifications.
func (h *Hub) wakeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range []map[string]map[*Subscription]struct{}{h.conversations, h.accounts} {
		for _, subs := range m {
			for s := range subs {
				s.wake()
			}
		}
	}
}

// Listen holds one connection from the pool listening for event notifications and
// feeds them to the hub until ctx ends. After a lost connection it reconnects and wakes
// every subscriber, so nothing committed in between is missed. ready, if not nil, is
// closed once the first LISTEN is in place.
func (h *Hub) Listen(ctx context.Context, pool *pgxpool.Pool, ready chan<- struct{}) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := h.listenOnce(ctx, pool, &ready)
		if ctx.Err() != nil {
			return
		}
		h.logger.Warn("event listener lost its connection; reconnecting", "error", err, "backoff", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

func (h *Hub) listenOnce(ctx context.Context, pool *pgxpool.Pool, ready *chan<- struct{}) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN "+Channel+"; LISTEN "+LiveChannel); err != nil {
		return err
	}
	if *ready != nil {
		close(*ready)
		*ready = nil
	}
	h.wakeAll()
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			conn.Conn().Close(context.Background())
			return err
		}
		if n.Channel == LiveChannel {
			h.deliverLive(n.Payload)
			continue
		}
		account, rest, ok := strings.Cut(n.Payload, " ")
		conversation, seq, ok2 := strings.Cut(rest, " ")
		if _, perr := strconv.ParseInt(seq, 10, 64); !ok || !ok2 || perr != nil {
			h.logger.Warn("ignoring malformed event notification", "payload", n.Payload)
			continue
		}
		h.Notify(account, conversation)
	}
}

// liveEvent is the JSON of a live-only event on LiveChannel.
type liveEvent struct {
	AccountID      string           `json:"a"`
	ConversationID string           `json:"c"`
	Sequence       int64            `json:"s"`
	Type           domain.EventType `json:"t"`
	Channel        domain.Channel   `json:"ch"`
	Typing         domain.Author    `json:"ty"`
	CreatedAt      time.Time        `json:"at"`
}

// Publisher sends live-only events to every replica's watchers through PostgreSQL.
type Publisher struct {
	// Pool is the database the replicas listen on.
	Pool *pgxpool.Pool
}

// Publish sends a live-only event to every replica's watchers of its conversation.
func (p Publisher) Publish(ctx context.Context, e domain.Event) error {
	b, err := json.Marshal(liveEvent{AccountID: e.AccountID, ConversationID: e.ConversationID, Sequence: e.Sequence,
		Type: e.Type, Channel: e.Channel, Typing: e.Typing, CreatedAt: e.CreatedAt})
	if err != nil {
		return err
	}
	_, err = p.Pool.Exec(ctx, "SELECT pg_notify($1, $2)", LiveChannel, string(b))
	return err
}

func (h *Hub) deliverLive(payload string) {
	var l liveEvent
	if err := json.Unmarshal([]byte(payload), &l); err != nil {
		h.logger.Warn("ignoring malformed live event", "payload", payload)
		return
	}
	e := &domain.Event{AccountID: l.AccountID, ConversationID: l.ConversationID, Sequence: l.Sequence, Type: l.Type,
		Channel: l.Channel, Typing: l.Typing, CreatedAt: l.CreatedAt}
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.conversations[l.AccountID+" "+l.ConversationID] {
		s.deliver(e)
	}
}
