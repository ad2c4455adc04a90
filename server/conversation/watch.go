package conversation

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/tandemhq/tandem/server/domain"
)

// Sink receives a stream's events and heartbeats; an error ends the stream.
type Sink interface {
	// Event delivers one event.
	Event(domain.Event) error
	// Heartbeat tells an idle client the stream is alive.
	Heartbeat(time.Time) error
}

// pageSize is how many events a stream reads at a time.
const pageSize = 200

// Watch sends a conversation's events after afterSequence, then live ones, until ctx ends
// or the sink fails. A client that reconnects with the last sequence it saw gets exactly
// what it missed.
func (s *Service) Watch(ctx context.Context, p domain.Principal, conversationID string, afterSequence int64, sink Sink) error {
	if err := p.CheckConversation(conversationID); err != nil {
		return err
	}
	if _, err := s.store.Conversation(ctx, p.AccountID, conversationID); err != nil {
		return err
	}
	if p.Kind == domain.PrincipalVisitor {
		release, err := s.visitorStreams.acquire(conversationID, s.cfg.MaxVisitorStreams)
		if err != nil {
			return err
		}
		defer release()
	}
	sub := s.hub.SubscribeConversation(p.AccountID, conversationID)
	defer sub.Close()
	return s.pump(ctx, sub.C, sub.Live, sink, false, func() (int, error) {
		events, err := s.store.EventsAfter(ctx, p.AccountID, conversationID, afterSequence, pageSize)
		for _, e := range events {
			if err := sink.Event(e); err != nil {
				return 0, err
			}
			afterSequence = e.Sequence
		}
		return len(events), err
	})
}

// Stream sends the account's events matching the filter after its cursor, then live ones.
// An empty cursor starts with events committed from now on.
func (s *Service) Stream(ctx context.Context, p domain.Principal, f domain.EventFilter, sink Sink) error {
	sub := s.hub.SubscribeAccount(p.AccountID)
	defer sub.Close()
	f.Limit = pageSize
	if f.AfterCursor == "" {
		latest, err := s.store.LatestCursor(ctx, p.AccountID)
		if err != nil {
			return err
		}
		f.AfterCursor = latest
	}
	return s.pump(ctx, sub.C, nil, sink, true, func() (int, error) {
		events, err := s.store.AccountEvents(ctx, p.AccountID, f)
		for _, e := range events {
			if err := sink.Event(e); err != nil {
				return 0, err
			}
			f.AfterCursor = e.Cursor
		}
		return len(events), err
	})
}

// settleDelays are when an account stream reads again after a wake. The account stream
// holds back events while an older transaction is still running, and that transaction's
// commit may wake nobody (it can belong to another account), so these re-reads deliver
// held-back events promptly.
var settleDelays = []time.Duration{20 * time.Millisecond, 100 * time.Millisecond, 500 * time.Millisecond, 2 * time.Second}

// pump sends a heartbeat, then calls read until it drains, then waits for a wake, a live
// event to pass on, or the time for a heartbeat. With settle it also re-reads at
// settleDelays after each wake.
func (s *Service) pump(ctx context.Context, wake <-chan struct{}, live <-chan *domain.Event, sink Sink, settle bool, read func() (int, error)) error {
	var re *rereads
	if settle {
		re = &rereads{}
	}
	clock := &s.beats[s.nextBeat.Add(1)%uint64(len(s.beats))]
	// A first heartbeat tells the client at once that the stream is open.
	if err := sink.Heartbeat(s.now()); err != nil {
		return err
	}
	for {
		// Read until drained; only a wake (or a settle re-read) can bring new stored events.
		for {
			n, err := read()
			if err != nil {
				return err
			}
			if n < pageSize {
				break
			}
		}
		if err := s.await(ctx, wake, live, clock, sink, re); err != nil || ctx.Err() != nil {
			return err
		}
	}
}

// streamCounter counts each visitor's open streams on this replica.
type streamCounter struct {
	mu   sync.Mutex
	open map[string]int
}

// acquire takes one of the conversation's stream slots, or returns ERateLimited when all
// max are taken; release gives it back.
func (c *streamCounter) acquire(conversationID string, max int) (release func(), err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.open[conversationID] >= max {
		return nil, &domain.Error{Code: domain.ERateLimited, RetryAfter: 5 * time.Second,
			Message: fmt.Sprintf("this conversation already has %d open streams: close one (for example another browser tab) first", max)}
	}
	if c.open == nil {
		c.open = map[string]int{}
	}
	c.open[conversationID]++
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.open[conversationID]--; c.open[conversationID] == 0 {
			delete(c.open, conversationID)
		}
	}, nil
}

// await passes on live events and heartbeats until a wake or a settle re-read calls
// for reading the stored events again, or ctx ends.
func (s *Service) await(ctx context.Context, wake <-chan struct{}, live <-chan *domain.Event, clock *beat, sink Sink, re *rereads) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
			re.start()
			return nil
		case <-re.due():
			re.advance()
			return nil
		case e := <-live:
			if err := sink.Event(*e); err != nil {
				return err
			}
		case <-clock.next():
			if err := sink.Heartbeat(s.now()); err != nil {
				return err
			}
		}
	}
}

// rereads schedules an account stream's re-reads at settleDelays after a wake; a nil
// *rereads schedules none.
type rereads struct {
	timer <-chan time.Time
	step  int
}

func (r *rereads) start() {
	if r != nil {
		r.step, r.timer = 0, time.After(settleDelays[0])
	}
}

func (r *rereads) due() <-chan time.Time {
	if r == nil {
		return nil
	}
	return r.timer
}

func (r *rereads) advance() {
	r.timer = nil
	if r.step++; r.step < len(settleDelays) {
		r.timer = time.After(settleDelays[r.step] - settleDelays[r.step-1])
	}
}

// beatClocks is how many heartbeat clocks a service spreads its streams over. One clock
// for all would send every stream's heartbeat in one burst that delays real events, so
// each clock's first beat comes at its own fraction of the period.
const beatClocks = 64

// beat is a heartbeat clock shared by many streams, so an idle stream costs no timer of
// its own: next returns a channel closed at the next beat, and the clock runs only while
// someone waits.
type beat struct {
	every time.Duration
	// phase delays the clock's first beat, so clocks started together beat apart.
	phase time.Duration
	mu    sync.Mutex
	ch    chan struct{}
	ran   bool
}

func (b *beat) next() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ch == nil {
		ch := make(chan struct{})
		b.ch = ch
		delay := b.every
		if !b.ran {
			delay, b.ran = b.phase, true
		}
		time.AfterFunc(delay, func() {
			b.mu.Lock()
			defer b.mu.Unlock()
			close(ch)
			b.ch = nil
		})
	}
	return b.ch
}
