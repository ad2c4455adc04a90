// Package helpdesktest is what the fake Zendesk and Gorgias servers share: the tickets
// they hold (with duplicates counted by external id and idempotency keys remembered),
// the protocol problems they saw, and failure injection: 500s, 429s with Retry-After,
// hangs past the client's timeout, dropped connections, and connections dropped after
// the ticket was created (the case that duplicates tickets when a client retries
// blindly).
package helpdesktest

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"
)

// Fault is a failure the fake injects into one request.
type Fault int

// The faults.
const (
	// FaultNone answers normally.
	FaultNone Fault = iota
	// Fault500 answers 500 without doing anything.
	Fault500
	// Fault429 answers 429 with Retry-After without doing anything.
	Fault429
	// FaultHang answers nothing for Hang, past the client's timeout, and does nothing.
	FaultHang
	// FaultDrop closes the connection without doing anything.
	FaultDrop
	// FaultDropAfterCommit does the work (creates the ticket), then closes the
	// connection without answering.
	FaultDropAfterCommit
)

// String names the fault.
func (f Fault) String() string {
	return [...]string{"none", "500", "429", "hang", "drop", "drop-after-commit"}[f]
}

// Ticket is a ticket the fake holds.
type Ticket struct {
	// ID is the helpdesk's id.
	ID int64
	// ExternalID is the client's external id.
	ExternalID string
	// Subject is the subject line.
	Subject string
	// Body is the transcript.
	Body string
	// Email is the requester's or customer's address.
	Email string
	// Tags are the tags.
	Tags []string
	// CreatedAt is when the fake created it.
	CreatedAt time.Time
}

// Fake is the shared state of a fake helpdesk. Configure its exported fields before
// requests arrive (or under no concurrent requests).
type Fake struct {
	// FailureRate is the share of requests that fail, 0 to 1, with a fault drawn
	// evenly from Mix.
	FailureRate float64
	// Mix are the faults FailureRate draws from (all faults but FaultNone when empty).
	Mix []Fault
	// RetryAfter is the Retry-After of injected 429s (default 1s).
	RetryAfter time.Duration
	// Hang is how long FaultHang stalls (default 3s).
	Hang time.Duration

	mu         sync.Mutex
	script     []Fault
	rng        *rand.Rand
	nextID     int64
	tickets    []Ticket
	byExternal map[string][]int
	byKey      map[string]int
	problems   []string
	injected   map[Fault]int
	requests   int
}

// NewFake returns a fake with no failures.
func NewFake() *Fake {
	return &Fake{rng: rand.New(rand.NewPCG(1, 2)), nextID: 1000, byExternal: map[string][]int{}, byKey: map[string]int{},
		injected: map[Fault]int{}}
}

// Script makes the next requests fail with faults, in order, before FailureRate applies.
func (f *Fake) Script(faults ...Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script = append(f.script, faults...)
}

// SetFailureRate changes the failure rate while requests arrive.
func (f *Fake) SetFailureRate(rate float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.FailureRate = rate
}

// next draws the fault of the next request.
func (f *Fake) next() Fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests++
	fault := FaultNone
	switch {
	case len(f.script) > 0:
		fault, f.script = f.script[0], f.script[1:]
	case f.FailureRate > 0 && f.rng.Float64() < f.FailureRate:
		mix := f.Mix
		if len(mix) == 0 {
			mix = []Fault{Fault500, Fault429, FaultHang, FaultDrop, FaultDropAfterCommit}
		}
		fault = mix[f.rng.IntN(len(mix))]
	}
	f.injected[fault]++
	return fault
}

// Problem records a request the real helpdesk would refuse; tests expect none.
func (f *Fake) Problem(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.problems = append(f.problems, fmt.Sprintf(format, args...))
}

// Problems returns the protocol problems seen.
func (f *Fake) Problems() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.problems...)
}

// Create stores t (its ID is assigned) unless idempotencyKey was seen, in which case
// it returns the ticket that key created and hit is true.
func (f *Fake) Create(t Ticket, idempotencyKey string) (stored Ticket, hit bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if i, ok := f.byKey[idempotencyKey]; ok && idempotencyKey != "" {
		return f.tickets[i], true
	}
	f.nextID++
	t.ID, t.CreatedAt = f.nextID, time.Now()
	f.tickets = append(f.tickets, t)
	i := len(f.tickets) - 1
	f.byExternal[t.ExternalID] = append(f.byExternal[t.ExternalID], i)
	if idempotencyKey != "" {
		f.byKey[idempotencyKey] = i
	}
	return t, false
}

// Find returns the tickets with the external id.
func (f *Fake) Find(externalID string) []Ticket {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Ticket
	for _, i := range f.byExternal[externalID] {
		out = append(out, f.tickets[i])
	}
	return out
}

// Tickets returns every ticket created, in order.
func (f *Fake) Tickets() []Ticket {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Ticket(nil), f.tickets...)
}

// Duplicates counts tickets beyond the first for each external id.
func (f *Fake) Duplicates() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.tickets) - len(f.byExternal)
}

// Injected returns how many requests got each fault.
func (f *Fake) Injected() map[Fault]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[Fault]int, len(f.injected))
	for k, v := range f.injected {
		out[k] = v
	}
	return out
}

// Requests returns how many requests arrived.
func (f *Fake) Requests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests
}

// Handler wraps the fake helpdesk's own handler with failure injection.
func (f *Fake) Handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch fault := f.next(); fault {
		case Fault500:
			http.Error(w, `{"error":"InternalError","description":"injected"}`, http.StatusInternalServerError)
		case Fault429:
			retry := f.RetryAfter
			if retry == 0 {
				retry = time.Second
			}
			w.Header().Set("Retry-After", strconv.Itoa(int(retry.Seconds())))
			http.Error(w, `{"error":"TooManyRequests"}`, http.StatusTooManyRequests)
		case FaultHang:
			hang := f.Hang
			if hang == 0 {
				hang = 3 * time.Second
			}
			select {
			case <-r.Context().Done():
			case <-time.After(hang):
			}
			http.Error(w, "gateway timeout", http.StatusGatewayTimeout)
		case FaultDrop:
			drop(w)
		case FaultDropAfterCommit:
			h.ServeHTTP(httptest.NewRecorder(), r)
			drop(w)
		default:
			h.ServeHTTP(w, r)
		}
	})
}

// Cleaner runs functions when a test (or a command using the fakes) ends; testing.TB
// is one.
type Cleaner interface {
	// Cleanup registers f to run at the end.
	Cleanup(f func())
}

// Serve starts a server of the fake helpdesk's handler h, with failure injection,
// closed at c's cleanup, and returns its URL.
func (f *Fake) Serve(c Cleaner, h http.HandlerFunc) string {
	srv := httptest.NewServer(f.Handler(h))
	c.Cleanup(srv.Close)
	return srv.URL
}

// drop closes the connection without an answer.
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

// CheckBasicAuth reports whether r carries basic authentication user:password,
// answering 401 when it does not.
func CheckBasicAuth(w http.ResponseWriter, r *http.Request, user, password string) bool {
	u, p, ok := r.BasicAuth()
	if ok && u == user && p == password {
		return true
	}
	w.Header().Set("WWW-Authenticate", `Basic realm="helpdesk"`)
	http.Error(w, `{"error":"Couldn't authenticate you"}`, http.StatusUnauthorized)
	return false
}
