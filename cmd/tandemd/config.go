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

	"github.com/tandemhq/tandem/server/app"
	"github.com/tandemhq/tandem/server/llm"
	"github.com/tandemhq/tandem/server/ratelimit"
)

// config is tandemd's configuration: environment variables, overridden by flags.
type config struct {
	Addr            string
	DatabaseURL     string
	DataDir         string
	TokenSecret     string
	EncryptionKey   string
	VisitorTokenTTL time.Duration
	LogLevel        slog.Level
	CORSOrigins     string
	MaxRequestBytes int
	MaxConns        int
	Demo            bool
	WidgetDir       string
	RateLimits      ratelimit.Config
	LLM             llm.Config
	HelpdeskTimeout time.Duration
	JobWorkers      int
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
	fs.StringVar(&c.EncryptionKey, "encryption-key", env("TANDEM_ENCRYPTION_KEY", ""), "base64 32-byte key(s) sealing integration credentials, comma-separated, the first sealing (rotation); empty uses <data-dir>/encryption-key with the embedded cluster or -demo (TANDEM_ENCRYPTION_KEY)")
	fs.DurationVar(&c.VisitorTokenTTL, "visitor-token-ttl", envDuration("TANDEM_VISITOR_TOKEN_TTL", 24*time.Hour), "how long visitor tokens last (TANDEM_VISITOR_TOKEN_TTL)")
	fs.StringVar(&level, "log-level", env("TANDEM_LOG_LEVEL", "info"), "debug, info, warn or error (TANDEM_LOG_LEVEL)")
	fs.StringVar(&c.CORSOrigins, "cors-origins", env("TANDEM_CORS_ORIGINS", "*"), "comma-separated origins browsers may call from (TANDEM_CORS_ORIGINS)")
	fs.IntVar(&c.MaxRequestBytes, "max-request-bytes", envInt("TANDEM_MAX_REQUEST_BYTES", 1<<20), "largest accepted request message (TANDEM_MAX_REQUEST_BYTES)")
	fs.IntVar(&c.MaxConns, "db-max-conns", envInt("TANDEM_DB_MAX_CONNS", 20), "database pool size (TANDEM_DB_MAX_CONNS)")
	fs.BoolVar(&c.Demo, "demo", env("TANDEM_DEMO", "") == "true", "create the demo account if missing and write <data-dir>/demo.env (TANDEM_DEMO)")
	fs.StringVar(&c.WidgetDir, "widget-dir", env("TANDEM_WIDGET_DIR", ""), "folder of static files served on / (TANDEM_WIDGET_DIR)")
	fs.StringVar(&c.LLM.URL, "llm-url", env("TANDEM_LLM_URL", ""), "base URL of an OpenAI-compatible chat-completions API, such as https://api.openai.com/v1; empty routes and answers offline only (TANDEM_LLM_URL)")
	// The key's default is not shown in -h: it is read from the environment after parsing.
	fs.StringVar(&c.LLM.APIKey, "llm-api-key", "", "bearer key for the LLM API; prefer the environment variable (TANDEM_LLM_API_KEY)")
	fs.StringVar(&c.LLM.Model, "llm-model", env("TANDEM_LLM_MODEL", ""), "model name for the LLM API (TANDEM_LLM_MODEL)")
	fs.DurationVar(&c.HelpdeskTimeout, "helpdesk-timeout", envDuration("TANDEM_HELPDESK_TIMEOUT", 10*time.Second), "time limit of one call to Zendesk or Gorgias (TANDEM_HELPDESK_TIMEOUT)")
	fs.IntVar(&c.JobWorkers, "job-workers", envInt("TANDEM_JOB_WORKERS", 20), "background jobs (ticket deliveries) one replica works at once (TANDEM_JOB_WORKERS)")
	c.RateLimits = app.DefaultRateLimits
	fs.Var(limitFlag{&c.RateLimits.Visitor}, "rate-limit-visitor", "calls per second and burst per visitor token, as RATE:BURST (TANDEM_RATE_LIMIT_VISITOR)")
	fs.Var(limitFlag{&c.RateLimits.APIKey}, "rate-limit-key", "calls per second and burst per API key, as RATE:BURST (TANDEM_RATE_LIMIT_KEY)")
	fs.Var(limitFlag{&c.RateLimits.SiteKey}, "rate-limit-site-key", "conversations started per second and burst per site key, as RATE:BURST (TANDEM_RATE_LIMIT_SITE_KEY)")
	for name, env := range map[string]string{"rate-limit-visitor": "TANDEM_RATE_LIMIT_VISITOR", "rate-limit-key": "TANDEM_RATE_LIMIT_KEY", "rate-limit-site-key": "TANDEM_RATE_LIMIT_SITE_KEY"} {
		if v := os.Getenv(env); v != "" {
			if err := fs.Set(name, v); err != nil {
				return c, fmt.Errorf("%s: %w", env, err)
			}
		}
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if err := c.LogLevel.UnmarshalText([]byte(level)); err != nil {
		return c, fmt.Errorf("-log-level: %w", err)
	}
	c.LLM.APIKey = cmp.Or(c.LLM.APIKey, os.Getenv("TANDEM_LLM_API_KEY"))
	if err := c.LLM.Validate(); err != nil {
		return c, fmt.Errorf("-llm-url, -llm-model: %w", err)
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

// limitFlag parses a rate limit written as RATE:BURST ("5:20").
type limitFlag struct{ l *ratelimit.Limit }

func (f limitFlag) String() string {
	if f.l == nil {
		return ""
	}
	return strconv.FormatFloat(f.l.PerSecond, 'g', -1, 64) + ":" + strconv.Itoa(f.l.Burst)
}

func (f limitFlag) Set(s string) error {
	rate, burst, ok := strings.Cut(s, ":")
	r, err1 := strconv.ParseFloat(rate, 64)
	b, err2 := strconv.Atoi(burst)
	if !ok || err1 != nil || err2 != nil || r <= 0 || b < 1 {
		return fmt.Errorf("%q is not RATE:BURST, for example 5:20", s)
	}
	*f.l = ratelimit.Limit{PerSecond: r, Burst: b}
	return nil
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
