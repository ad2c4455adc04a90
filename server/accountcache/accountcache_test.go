package accountcache

import (
	"context"
	"errors"
	"testing"
	"time"
)

// counter is a loader that returns how many times it loaded, or err.
type counter struct {
	loads int
	err   error
	// during runs inside the load, before it returns.
	during func()
}

func (c *counter) load(_ context.Context, _ string) (int, error) {
	c.loads++
	if c.during != nil {
		c.during()
	}
	return c.loads, c.err
}

func newTestCache() (*Cache, *time.Time) {
	c := New(2 * time.Second)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	return c, &now
}

func mustGet(t *testing.T, l Loader[int], account string) int {
	t.Helper()
	v, err := l(context.Background(), account)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestCachedServesUntilTheTTLEnds(t *testing.T) {
	c, now := newTestCache()
	var src counter
	l := Cached(c, "n", src.load)
	if got := mustGet(t, l, "a"); got != 1 {
		t.Fatalf("first read = %d, want 1", got)
	}
	*now = now.Add(1999 * time.Millisecond)
	if got := mustGet(t, l, "a"); got != 1 {
		t.Fatalf("read within the TTL = %d, want the cached 1", got)
	}
	*now = now.Add(time.Millisecond)
	if got := mustGet(t, l, "a"); got != 2 {
		t.Fatalf("read at the TTL = %d, want a fresh 2", got)
	}
}

func TestCachedKeepsAccountsAndKindsApart(t *testing.T) {
	c, _ := newTestCache()
	var first, second counter
	l1, l2 := Cached(c, "first", first.load), Cached(c, "second", second.load)
	mustGet(t, l1, "a")
	mustGet(t, l1, "b")
	mustGet(t, l2, "a")
	if first.loads != 2 || second.loads != 1 {
		t.Fatalf("loads = %d and %d, want 2 (one per account) and 1", first.loads, second.loads)
	}
}

func TestForgetDropsOnlyThatAccount(t *testing.T) {
	c, _ := newTestCache()
	var statuses, settings counter
	ls, lh := Cached(c, "statuses", statuses.load), Cached(c, "settings", settings.load)
	mustGet(t, ls, "a")
	mustGet(t, lh, "a")
	mustGet(t, ls, "b")
	c.Forget("a")
	if got := mustGet(t, ls, "a"); got != 3 {
		t.Fatalf("statuses of a after Forget = %d, want a fresh 3", got)
	}
	if got := mustGet(t, lh, "a"); got != 2 {
		t.Fatalf("settings of a after Forget = %d, want a fresh 2", got)
	}
	if mustGet(t, ls, "b"); statuses.loads != 3 {
		t.Fatalf("b was loaded again after a was forgotten")
	}
}

func TestALoadRacingForgetIsNotKept(t *testing.T) {
	c, _ := newTestCache()
	src := counter{}
	src.during = func() { c.Forget("a") } // a change lands while the old state is read
	l := Cached(c, "n", src.load)
	mustGet(t, l, "a")
	src.during = nil
	if got := mustGet(t, l, "a"); got != 2 {
		t.Fatalf("read after a racing Forget = %d, want a fresh 2", got)
	}
}

func TestErrorsAreNotKept(t *testing.T) {
	c, _ := newTestCache()
	src := counter{err: errors.New("database down")}
	l := Cached(c, "n", src.load)
	if _, err := l(context.Background(), "a"); err == nil {
		t.Fatal("want the load's error")
	}
	src.err = nil
	if got := mustGet(t, l, "a"); got != 2 {
		t.Fatalf("read after an error = %d, want a fresh 2", got)
	}
}

func TestNilCacheLoadsEveryTime(t *testing.T) {
	var c *Cache
	var src counter
	l := Cached(c, "n", src.load)
	mustGet(t, l, "a")
	c.Forget("a")
	if got := mustGet(t, l, "a"); got != 2 {
		t.Fatalf("second read = %d, want 2", got)
	}
}
