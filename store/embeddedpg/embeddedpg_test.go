package embeddedpg

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestClusterInReachableDir(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	if os.Geteuid() == 0 {
		// t.TempDir's folders are private to root; make one the postgres user
		// can enter, so the data stays in Dir.
		var err error
		if parent, err = os.MkdirTemp("", "embeddedpg-test-"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(parent) })
		if err := os.Chmod(parent, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(parent, "pg")
	c := exercise(t, dir)
	if c.DataDir() != dir {
		t.Errorf("DataDir() = %s, want %s", c.DataDir(), dir)
	}
}

func TestClusterFallsBackToTmp(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("the fallback applies only to root")
	}
	// t.TempDir's folders are mode 0700, owned by root.
	dir := filepath.Join(t.TempDir(), "pg")
	c := exercise(t, dir)
	recorded, err := os.ReadFile(dir + ".location")
	if err != nil {
		t.Fatal(err)
	}
	if got := string(recorded); got != c.DataDir()+"\n" || filepath.Dir(c.DataDir()) != "/tmp" {
		t.Errorf("recorded %q, DataDir() = %s: want a folder under /tmp recorded in %s.location", got, c.DataDir(), dir)
	}
}

// exercise starts a cluster in dir, reuses it while it runs, restarts it on
// its port and then on another one, and checks that its data survives.
func exercise(t *testing.T, dir string) *Cluster {
	t.Helper()
	ctx := t.Context()
	opts := Options{Dir: dir, Logger: slog.New(slog.NewTextHandler(t.Output(), nil))}

	c, err := Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if running, err := Running(context.Background(), opts); err == nil {
			if err := running.Stop(context.Background()); err != nil {
				t.Error(err)
			}
		}
		if c.DataDir() != dir {
			os.RemoveAll(c.DataDir())
		}
	})
	mustExec(t, c.URL(), "CREATE TABLE notes (body text)")
	mustExec(t, c.URL(), "INSERT INTO notes VALUES ('kept')")

	again, err := Start(ctx, opts)
	if err != nil {
		t.Fatalf("Start while running: %v", err)
	}
	running, err := Running(ctx, opts)
	if err != nil {
		t.Fatalf("Running: %v", err)
	}
	if again.URL() != c.URL() || running.URL() != c.URL() {
		t.Errorf("URLs of the running cluster: Start %s, Running %s, want %s", again.URL(), running.URL(), c.URL())
	}
	checkNote(t, again.URL())

	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := Running(ctx, opts); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("Running after Stop: %v, want ErrNotRunning", err)
	}
	if err := c.Stop(ctx); err != nil {
		t.Errorf("Stop when stopped: %v", err)
	}

	restarted, err := Start(ctx, opts)
	if err != nil {
		t.Fatalf("Start after Stop: %v", err)
	}
	if restarted.URL() != c.URL() {
		t.Errorf("restarted on %s, want the recorded port: %s", restarted.URL(), c.URL())
	}
	checkNote(t, restarted.URL())
	if err := restarted.Stop(ctx); err != nil {
		t.Fatal(err)
	}

	// Something else now listens on the recorded port.
	u, err := url.Parse(c.URL())
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	moved, err := Start(ctx, opts)
	if err != nil {
		t.Fatalf("Start with the port taken: %v", err)
	}
	if moved.URL() == c.URL() {
		t.Errorf("restarted on the taken port: %s", moved.URL())
	}
	checkNote(t, moved.URL())
	return moved
}

func mustExec(t *testing.T, dsn, sql string) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(t.Context(), sql); err != nil {
		t.Fatal(err)
	}
}

func checkNote(t *testing.T, dsn string) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var body string
	if err := conn.QueryRow(t.Context(), "SELECT body FROM notes").Scan(&body); err != nil || body != "kept" {
		t.Errorf("SELECT body FROM notes: %q, %v; want kept", body, err)
	}
}
