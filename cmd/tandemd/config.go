package main

import (
	"cmp"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"
)

// config is tandemd's configuration: environment variables, overridden by flags.
type config struct {
	Addr            string
	DatabaseURL     string
	DataDir         string
	TokenSecret     string
	VisitorTokenTTL time.Duration
	LogLevel        slog.Level
	CORSOrigins     string
	MaxRequestBytes int
	MaxConns        int
	Demo            bool
	WidgetDir       string
}

// parseConfig reads the environment, then the flags in args.
func parseConfig(name string, args []string) (config, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	var c config
	var level string
	fs.StringVar(&c.Addr, "addr", env("TANDEM_ADDR", "127.0.0.1:8080"), "listen address (TANDEM_ADDR)")
	fs.StringVar(&c.DatabaseURL, "database-url", env("DATABASE_URL", ""), "PostgreSQL URL; empty starts the embedded cluster under -data-dir (DATABASE_URL)")
	fs.StringVar(&c.DataDir, "data-dir", env("TANDEM_DATA_DIR", ".data"), "folder for the embedded cluster, the dev token secret and demo.env (TANDEM_DATA_DIR)")
	fs.StringVar(&c.TokenSecret, "token-secret", env("TANDEM_TOKEN_SECRET", ""), "secret signing visitor tokens, shared by every replica; empty uses <data-dir>/token-secret with the embedded cluster (TANDEM_TOKEN_SECRET)")
	fs.DurationVar(&c.VisitorTokenTTL, "visitor-token-ttl", envDuration("TANDEM_VISITOR_TOKEN_TTL", 24*time.Hour), "how long visitor tokens last (TANDEM_VISITOR_TOKEN_TTL)")
	fs.StringVar(&level, "log-level", env("TANDEM_LOG_LEVEL", "info"), "debug, info, warn or error (TANDEM_LOG_LEVEL)")
	fs.StringVar(&c.CORSOrigins, "cors-origins", env("TANDEM_CORS_ORIGINS", "*"), "comma-separated origins browsers may call from (TANDEM_CORS_ORIGINS)")
	fs.IntVar(&c.MaxRequestBytes, "max-request-bytes", envInt("TANDEM_MAX_REQUEST_BYTES", 1<<20), "largest accepted request message (TANDEM_MAX_REQUEST_BYTES)")
	fs.IntVar(&c.MaxConns, "db-max-conns", envInt("TANDEM_DB_MAX_CONNS", 20), "database pool size (TANDEM_DB_MAX_CONNS)")
	fs.BoolVar(&c.Demo, "demo", env("TANDEM_DEMO", "") == "true", "create the demo account if missing and write <data-dir>/demo.env (TANDEM_DEMO)")
	fs.StringVar(&c.WidgetDir, "widget-dir", env("TANDEM_WIDGET_DIR", ""), "folder of static files served on / (TANDEM_WIDGET_DIR)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if err := c.LogLevel.UnmarshalText([]byte(level)); err != nil {
		return c, fmt.Errorf("-log-level: %w", err)
	}
	return c, nil
}

func (c config) corsOrigins() []string {
	var out []string
	for _, o := range strings.Split(c.CORSOrigins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}

func env(key, fallback string) string { return cmp.Or(os.Getenv(key), fallback) }

func envInt(key string, fallback int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil {
		return n
	}
	return fallback
}

func envDuration(key string, fallback time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(key)); err == nil {
		return d
	}
	return fallback
}
