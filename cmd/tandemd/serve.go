package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tandemhq/tandem/server/agent"
	"github.com/tandemhq/tandem/server/app"
	"github.com/tandemhq/tandem/server/auth"
	"github.com/tandemhq/tandem/server/demo"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/jobs"
	"github.com/tandemhq/tandem/server/llm"
	"github.com/tandemhq/tandem/server/logging"
	"github.com/tandemhq/tandem/server/router"
	"github.com/tandemhq/tandem/server/seal"
	"github.com/tandemhq/tandem/store"
	"github.com/tandemhq/tandem/store/embeddedpg"
)

func serve(ctx context.Context, args []string) error {
	cfg, err := parseConfig("serve", args)
	if err != nil {
		return err
	}
	logger := logging.New(os.Stderr, cfg.LogLevel)
	visitorRouter, phraser, err := newLanguage(cfg, logger)
	if err != nil {
		return err
	}
	pool, closeDB, err := openDatabase(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer closeDB()
	secret, err := tokenSecret(cfg)
	if err != nil {
		return err
	}
	var static http.Handler
	dir := widgetDir(cfg)
	if dir != "" {
		static = http.FileServer(http.Dir(dir))
	}
	var demoAccountID string
	if cfg.Demo {
		st := store.New(pool)
		if demoAccountID, err = seedDemo(ctx, st, cfg, logger); err != nil {
			return fmt.Errorf("seeding the demo account: %w", err)
		}
		static = demoHandler(st, demoAccountID, static, logger)
	}
	keys, err := encryptionKeys(cfg, logger)
	if err != nil {
		return err
	}
	a, err := app.New(pool, app.Options{
		Logger: logger, TokenSecret: secret, VisitorTokenTTL: cfg.VisitorTokenTTL, MaxRequestBytes: cfg.MaxRequestBytes,
		CORSOrigins: cfg.corsOrigins(), Static: static, RateLimits: cfg.RateLimits, EncryptionKeys: keys,
		HelpdeskTimeout: cfg.HelpdeskTimeout, Jobs: jobs.Config{Workers: cfg.JobWorkers}, Router: visitorRouter,
		Phraser: phraser,
	})
	if err != nil {
		return err
	}
	if cfg.Demo {
		seed := demo.Services{Integrations: a.Integrations, Store: a.Store, Knowledge: a.Knowledge}
		if err := demo.Seed(ctx, seed, demoAccountID, time.Now()); err != nil {
			return fmt.Errorf("seeding the demo account: %w", err)
		}
	}
	serveCtx, cancelStreams := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelStreams()
	if err := a.Run(serveCtx); err != nil {
		return err
	}
	srv := a.HTTPServer(serveCtx, cfg.Addr)
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	logger.Info("tandemd serving", "addr", cfg.Addr, "services", "ConversationService SkillService HandoffService MetricsService")
	if cfg.Demo && dir != "" {
		fmt.Fprintf(os.Stderr, "\nChat with the demo store: http://%s/\nTeam inbox:               http://%s/inbox.html (paste TANDEM_SUPPORT_KEY from %s)\n\n",
			cfg.Addr, cfg.Addr, filepath.Join(cfg.DataDir, "demo.env"))
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing requests and jobs, ending streams")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.Stop(shutdownCtx); err != nil {
		logger.Warn("stopping the job queue", "error", err)
	}
	cancelStreams()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// openDatabase connects to DATABASE_URL, or starts the embedded cluster under the data
// folder, and applies migrations.
func openDatabase(ctx context.Context, cfg config, logger *slog.Logger) (*pgxpool.Pool, func(), error) {
	url, stop := cfg.DatabaseURL, func() {}
	if url == "" {
		cluster, err := embeddedpg.Start(ctx, embeddedpg.Options{Dir: filepath.Join(cfg.DataDir, "pg"), Fsync: true, Logger: logger})
		if err != nil {
			return nil, nil, err
		}
		url = cluster.URL()
		stop = func() {
			if err := cluster.Stop(context.Background()); err != nil {
				logger.Warn("stopping the embedded PostgreSQL", "error", err)
			}
		}
	}
	pcfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		stop()
		return nil, nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	pcfg.MaxConns = int32(cfg.MaxConns)
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err == nil {
		err = store.Migrate(ctx, pool, logger)
	}
	if err != nil {
		if pool != nil {
			pool.Close()
		}
		stop()
		return nil, nil, fmt.Errorf("database: %w", err)
	}
	return pool, func() { pool.Close(); stop() }, nil
}

// tokenSecret returns the configured visitor token secret. With the embedded cluster and
// none configured it keeps one in the data folder, so tokens survive restarts.
func tokenSecret(cfg config) (string, error) {
	if cfg.TokenSecret != "" {
		return cfg.TokenSecret, nil
	}
	if cfg.DatabaseURL != "" {
		return "", errors.New("set TANDEM_TOKEN_SECRET (the same value on every replica) when DATABASE_URL is set")
	}
	path := filepath.Join(cfg.DataDir, "token-secret")
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return strings.TrimSpace(string(b)), nil
	}
	secret := auth.NewSecret()
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return "", err
	}
	return secret, os.WriteFile(path, []byte(secret+"\n"), 0o600)
}

// encryptionKeys returns the keys that seal integration credentials. With none
// configured, the embedded cluster and the demo keep one in the data folder (never
// logged); a server on DATABASE_URL without a key runs, but cannot connect providers
// that take credentials.
func encryptionKeys(cfg config, logger *slog.Logger) (*seal.Keyring, error) {
	if cfg.EncryptionKey != "" {
		keys, err := seal.ParseKeys(cfg.EncryptionKey)
		if err != nil {
			return nil, fmt.Errorf("TANDEM_ENCRYPTION_KEY: %w", err)
		}
		return keys, nil
	}
	if cfg.DatabaseURL != "" && !cfg.Demo {
		logger.Warn("no TANDEM_ENCRYPTION_KEY: integrations that take credentials cannot be connected")
		return nil, nil
	}
	path := filepath.Join(cfg.DataDir, "encryption-key")
	if b, err := os.ReadFile(path); err == nil {
		return seal.ParseKeys(strings.TrimSpace(string(b)))
	}
	key := seal.NewKey()
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
		return nil, err
	}
	return seal.ParseKeys(key)
}

func migrate(ctx context.Context, args []string) error {
	cfg, err := parseConfig("migrate", args)
	if err != nil {
		return err
	}
	_, closeDB, err := openDatabase(ctx, cfg, logging.New(os.Stderr, cfg.LogLevel))
	if err == nil {
		closeDB()
	}
	return err
}

// newLanguage returns the router of visitor messages and the phraser of the skills'
// answers: the offline classifier and no phraser (the skills' templates), or, when an
// LLM endpoint is configured, the LLM router (the classifier stays its fallback) and
// the LLM responder (the templates stay its fallback).
func newLanguage(cfg config, logger *slog.Logger) (domain.Router, agent.Phraser, error) {
	offline := router.NewOffline(nil)
	if !cfg.LLM.Configured() {
		return offline, nil, nil
	}
	c, err := llm.New(cfg.LLM)
	if err != nil {
		return nil, nil, err
	}
	logger.Info("LLM endpoint configured; the offline router and the skills' templates stay the fallback", "llm", cfg.LLM)
	return router.WithFallback(llm.NewRouter(c, 0), offline, logger), llm.NewResponder(c, 0, logger), nil
}
