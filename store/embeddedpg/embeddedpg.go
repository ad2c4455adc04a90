// Package embeddedpg runs a private PostgreSQL cluster from the machine's
// PostgreSQL binaries, for development and tests.
//
// A cluster belongs to a directory, Options.Dir (such as .data/pg), which
// normally is the cluster's data directory. The server listens on 127.0.0.1
// only, on a free port chosen at first start and kept in tandem.conf inside
// the data directory, trusts every local connection, and holds the database
// "tandem".
//
// PostgreSQL refuses to run as root. When the process is root, the binaries run
// as the postgres user, which owns the data directory and so must be able to
// reach it. If it cannot enter one of the parents of Options.Dir (a clone under
// /root, or a t.TempDir), the data lives in /tmp/tandem-pg-<hash of Dir> instead,
// and the file Options.Dir+".location" records that folder so later calls find
// the same data. Delete both to start afresh.
//
// Start is not safe to call concurrently for the same Dir from several
// processes; start the cluster once (see cmd/devpg) and share its URL.
package embeddedpg

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

const (
	database     = "tandem"
	superuser    = "postgres"
	confFile     = "tandem.conf"
	logFile      = "postgres.log"
	locationExt  = ".location"
	fallbackRoot = "/tmp"
)

// ErrNotRunning is returned by Running when no server runs for the directory.
var ErrNotRunning = errors.New("embeddedpg: postgres is not running")

// Options configures a cluster.
type Options struct {
	// Dir is the cluster's directory, such as ".data/pg".
	Dir string
	// Fsync makes the server flush every commit to disk. Turn it off only for
	// throwaway test data: a machine crash can then corrupt the cluster.
	Fsync bool
	// Logger receives progress messages; nil means slog.Default().
	Logger *slog.Logger
}

// Cluster is a private PostgreSQL cluster whose server runs on 127.0.0.1.
type Cluster struct {
	binDir  string
	dataDir string
	port    int
	logger  *slog.Logger
	// asPostgres is set when running as root: the binaries then run as the
	// postgres user, whose ids own the data directory.
	asPostgres bool
	uid, gid   int
}

// Start starts the cluster of opts.Dir and returns it, creating it on first
// use. If its server already runs, Start reuses it as it is (opts.Fsync then
// has no effect). The server keeps running after the program exits, until Stop.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	c, dir, err := newCluster(opts)
	if err != nil {
		return nil, err
	}
	if err := c.prepareDataDir(ctx, dir); err != nil {
		return nil, err
	}
	running, err := c.running(ctx)
	if err != nil {
		return nil, err
	}
	if running {
		if c.port, err = c.recordedPort(); err != nil {
			return nil, err
		}
		c.logger.InfoContext(ctx, "reusing running postgres", "dir", c.dataDir, "port", c.port)
	} else {
		if err := c.initialize(ctx, opts.Fsync); err != nil {
			return nil, err
		}
		if err := c.start(ctx, opts.Fsync); err != nil {
			return nil, err
		}
	}
	if err := c.ensureDatabase(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Running returns the cluster of opts.Dir if its server runs, and
// ErrNotRunning if it does not. It never starts or creates anything.
func Running(ctx context.Context, opts Options) (*Cluster, error) {
	c, dir, err := newCluster(opts)
	if err != nil {
		return nil, err
	}
	if c.dataDir, err = recordedDataDir(dir); err != nil {
		return nil, err
	}
	running, err := c.running(ctx)
	if err != nil {
		return nil, err
	}
	if !running {
		return nil, ErrNotRunning
	}
	if c.port, err = c.recordedPort(); err != nil {
		return nil, err
	}
	return c, nil
}

// URL returns the URL of the cluster's tandem database, such as
// postgres://postgres@127.0.0.1:5433/tandem?sslmode=disable.
func (c *Cluster) URL() string {
	return c.url(database)
}

// DataDir returns the directory holding the cluster's files: Options.Dir, or
// the folder under /tmp recorded in Options.Dir+".location".
func (c *Cluster) DataDir() string {
	return c.dataDir
}

// Stop shuts the server down (fast mode: open sessions are disconnected) and
// waits for it to exit. It does nothing if the server is not running.
func (c *Cluster) Stop(ctx context.Context) error {
	running, err := c.running(ctx)
	if err != nil || !running {
		return err
	}
	c.logger.InfoContext(ctx, "stopping postgres", "dir", c.dataDir, "port", c.port)
	return c.run(ctx, c.bin("pg_ctl"), "stop", "-D", c.dataDir, "-m", "fast", "-w")
}

func newCluster(opts Options) (*Cluster, string, error) {
	if opts.Dir == "" {
		return nil, "", errors.New("embeddedpg: Options.Dir is empty")
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, "", err
	}
	binDir, err := findBinDir()
	if err != nil {
		return nil, "", err
	}
	c := &Cluster{binDir: binDir, logger: opts.Logger}
	if c.logger == nil {
		c.logger = slog.Default()
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup(superuser)
		if err != nil {
			return nil, "", fmt.Errorf("embeddedpg: running as root needs the postgres user, which the postgresql package creates: %w", err)
		}
		c.asPostgres = true
		if c.uid, err = strconv.Atoi(u.Uid); err != nil {
			return nil, "", err
		}
		if c.gid, err = strconv.Atoi(u.Gid); err != nil {
			return nil, "", err
		}
	}
	return c, dir, nil
}

// findBinDir returns the directory of the newest PostgreSQL server binaries:
// /usr/lib/postgresql/<version>/bin (Debian, Ubuntu), else pg_config --bindir.
func findBinDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	best, bestVersion := "", 0.0
	for _, dir := range dirs {
		version, err := strconv.ParseFloat(filepath.Base(filepath.Dir(dir)), 64)
		if err == nil && version > bestVersion && hasServer(dir) {
			best, bestVersion = dir, version
		}
	}
	if best != "" {
		return best, nil
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		if dir := strings.TrimSpace(string(out)); hasServer(dir) {
			return dir, nil
		}
	}
	return "", errors.New("embeddedpg: no PostgreSQL server binaries in /usr/lib/postgresql/*/bin or pg_config --bindir: install with `apt-get install -y postgresql`")
}

func hasServer(binDir string) bool {
	for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
		if _, err := os.Stat(filepath.Join(binDir, name)); err != nil {
			return false
		}
	}
	return true
}

// recordedDataDir returns the data directory of the cluster of dir: the folder
// recorded in dir+".location" if there is one, else dir itself.
func recordedDataDir(dir string) (string, error) {
	b, err := os.ReadFile(dir + locationExt)
	if errors.Is(err, fs.ErrNotExist) {
		return dir, nil
	}
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// prepareDataDir chooses the data directory of the cluster of dir, falling
// back to a folder under /tmp when the postgres user cannot reach dir, and
// creates it, owned by the user that runs the server, if it is missing.
func (c *Cluster) prepareDataDir(ctx context.Context, dir string) error {
	dataDir, err := recordedDataDir(dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	// test -x as the postgres user fails unless it can search the folder and
	// every one of its parents.
	if c.asPostgres && dataDir == dir && c.run(ctx, "test", "-x", filepath.Dir(dir)) != nil {
		sum := sha256.Sum256([]byte(dir))
		dataDir = filepath.Join(fallbackRoot, fmt.Sprintf("tandem-pg-%x", sum[:6]))
		c.logger.InfoContext(ctx, "postgres user cannot reach the directory: using a folder under /tmp",
			"dir", dir, "data_dir", dataDir, "recorded_in", dir+locationExt)
		if err := os.WriteFile(dir+locationExt, []byte(dataDir+"\n"), 0o644); err != nil {
			return err
		}
	}
	c.dataDir = dataDir
	err = os.Mkdir(dataDir, 0o700)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil || !c.asPostgres {
		return err
	}
	return os.Chown(dataDir, c.uid, c.gid)
}

// running reports whether the cluster's server runs, according to pg_ctl.
func (c *Cluster) running(ctx context.Context) (bool, error) {
	err := c.run(ctx, c.bin("pg_ctl"), "status", "-D", c.dataDir)
	var exit *exec.ExitError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &exit) && (exit.ExitCode() == 3 || exit.ExitCode() == 4):
		// 3: no server running; 4: no (accessible) data directory.
		return false, nil
	default:
		return false, err
	}
}

// initialize creates the cluster with initdb unless it exists already.
func (c *Cluster) initialize(ctx context.Context, fsync bool) error {
	_, err := os.Stat(filepath.Join(c.dataDir, "PG_VERSION"))
	if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	c.logger.InfoContext(ctx, "initializing cluster", "dir", c.dataDir)
	args := []string{"-D", c.dataDir, "-U", superuser, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"}
	if !fsync {
		args = append(args, "--no-sync")
	}
	if err := c.run(ctx, c.bin("initdb"), args...); err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(c.dataDir, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "\n# Settings that embeddedpg rewrites on every start.\ninclude '%s'\n", confFile)
	return errors.Join(err, f.Close())
}

// start writes tandem.conf, keeping the recorded port unless something else
// took it, and starts the server.
func (c *Cluster) start(ctx context.Context, fsync bool) error {
	port, err := c.recordedPort()
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if port, err = freePort(port); err != nil {
		return err
	}
	c.port = port
	durability := "off"
	if fsync {
		durability = "on"
	}
	// Unix sockets are off: clients use TCP, and a socket path in a deep clone
	// can exceed the 107-byte limit of Unix socket addresses.
	conf := fmt.Sprintf(`listen_addresses = '127.0.0.1'
port = %d
unix_socket_directories = ''
max_connections = 300
fsync = %s
synchronous_commit = %[2]s
full_page_writes = %[2]s
`, port, durability)
	if err := c.writeFile(filepath.Join(c.dataDir, confFile), conf); err != nil {
		return err
	}
	log := filepath.Join(c.dataDir, logFile)
	c.logger.InfoContext(ctx, "starting postgres", "dir", c.dataDir, "port", port, "fsync", fsync, "log", log)
	if err := c.run(ctx, c.bin("pg_ctl"), "start", "-D", c.dataDir, "-l", log, "-w", "-t", "60"); err != nil {
		return fmt.Errorf("%w (server log: %s)", err, log)
	}
	return nil
}

// recordedPort returns the port set in tandem.conf.
func (c *Cluster) recordedPort() (int, error) {
	f, err := os.Open(filepath.Join(c.dataDir, confFile))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "port = "); ok {
			return strconv.Atoi(v)
		}
	}
	if err := s.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("embeddedpg: no port in %s", f.Name())
}

// freePort returns port if nothing listens on it on 127.0.0.1, else a port
// the system picks. Port 0 always gets a picked one.
func freePort(port int) (int, error) {
	if port != 0 {
		if l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port))); err == nil {
			return port, l.Close()
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// ensureDatabase creates the tandem database if it is missing.
func (c *Cluster) ensureDatabase(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, c.url("postgres"))
	if err != nil {
		return fmt.Errorf("embeddedpg: connect to postgres in %s on port %d: %w", c.dataDir, c.port, err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", database).Scan(&exists); err != nil || exists {
		return err
	}
	c.logger.InfoContext(ctx, "creating database", "database", database)
	_, err = conn.Exec(ctx, "CREATE DATABASE "+database)
	return err
}

func (c *Cluster) url(db string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", superuser, c.port, db)
}

func (c *Cluster) bin(name string) string {
	return filepath.Join(c.binDir, name)
}

// run runs a program, as the postgres user when we are root, and returns its
// output in the error if it fails.
func (c *Cluster) run(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	if c.asPostgres {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", superuser, "--", name}, args...)...)
	}
	cmd.Dir = "/" // the postgres user may not be able to enter our working directory
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("embeddedpg: %s %s: %w: %s", filepath.Base(name), strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return nil
}

// writeFile writes a file readable only by the user that runs the server.
func (c *Cluster) writeFile(name, content string) error {
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		return err
	}
	if c.asPostgres {
		return os.Chown(name, c.uid, c.gid)
	}
	return nil
}
