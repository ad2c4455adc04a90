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

	"github.com/tandemhq/tandem/server/app"
	"github.com/tandemhq/tandem/server/auth"
	"github.com/tandemhq/tandem/server/logging"
	"github.com/tandemhq/tandem/store"
	"github.com/tandemhq/tandem/store/embeddedpg"
)

func serve(ctx context.Context, args []string) error {
	cfg, err := parseConfig("serve", args)
	if err != nil {
		return err
	}
	logger := logging.New(os.Stderr, cfg.LogLevel)
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
	if cfg.Demo {
		st := store.New(pool)
		accountID, err := seedDemo(ctx, st, cfg, logger)
		if err != nil {
			return fmt.Errorf("seeding the demo account: %w", err)
		}
		static = demoHandler(st, accountID, static, logger)
	}
	a := app.New(pool, app.Options{
		Logger: logger, TokenSecret: secret, VisitorTokenTTL: cfg.VisitorTokenTTL, MaxRequestBytes: cfg.MaxRequestBytes,
		CORSOrigins: cfg.corsOrigins(), Static: static, RateLimits: cfg.RateLimits,
	})
	serveCtx, cancelStreams := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelStreams()
	a.Run(serveCtx)
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
	logger.Info("shutting down: finishing requests, ending streams")
	cancelStreams()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
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
