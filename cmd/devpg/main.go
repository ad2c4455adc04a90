// Command devpg starts, stops and locates the private PostgreSQL cluster that
// the Makefile uses for development and tests (see package embeddedpg).
//
// Usage:
//
//	devpg start [-dir .data/pg] [-fsync=false]  start the cluster, or reuse it if it runs; print its URL
//	devpg stop [-dir .data/pg]                  stop the cluster if it runs
//	devpg url [-dir .data/pg]                   print the URL of the running cluster
//
// Only the URL goes to standard output, so TEST_DATABASE_URL=$(devpg start
// -dir .data/test -fsync=false) works; progress goes to standard error. The
// server keeps running after devpg exits.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/tandemhq/tandem/store/embeddedpg"
)

const usage = "usage: devpg start|stop|url [-dir DIR] [-fsync=false]"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(ctx, os.Args[1:], os.Stdout, logger); err != nil {
		fmt.Fprintln(os.Stderr, "devpg:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	flags := flag.NewFlagSet("devpg "+args[0], flag.ContinueOnError)
	dir := flags.String("dir", ".data/pg", "directory of the cluster")
	fsync := flags.Bool("fsync", true, "flush commits to disk (turn off only for throwaway test data)")
	if err := flags.Parse(args[1:]); err != nil {
		return err
	}
	opts := embeddedpg.Options{Dir: *dir, Fsync: *fsync, Logger: logger}
	switch args[0] {
	case "start":
		c, err := embeddedpg.Start(ctx, opts)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, c.URL())
		return err
	case "stop":
		c, err := embeddedpg.Running(ctx, opts)
		if errors.Is(err, embeddedpg.ErrNotRunning) {
			logger.InfoContext(ctx, "postgres is not running", "dir", *dir)
			return nil
		}
		if err != nil {
			return err
		}
		return c.Stop(ctx)
	case "url":
		c, err := embeddedpg.Running(ctx, opts)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, c.URL())
		return err
	default:
		return errors.New(usage)
	}
}
