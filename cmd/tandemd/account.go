package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/tandemhq/tandem/server/account"
	"github.com/tandemhq/tandem/server/auth"
	"github.com/tandemhq/tandem/server/demo"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/logging"
	"github.com/tandemhq/tandem/store"
)

const defaultGreeting = "Hi! I'm the virtual assistant. Ask me about your order, returns, products or anything else."

// createAccount creates an account and prints its keys, which are shown only once.
func createAccount(ctx context.Context, args []string) error {
	var name string
	fs := flag.NewFlagSet("create-account", flag.ContinueOnError)
	fs.StringVar(&name, "name", "", "the brand's name (required)")
	rest := filterFlags(fs, args)
	if err := fs.Parse(rest.own); err != nil {
		return err
	}
	if strings.TrimSpace(name) == "" {
		return errors.New("create-account needs -name")
	}
	cfg, err := parseConfig("create-account", rest.config)
	if err != nil {
		return err
	}
	pool, closeDB, err := openDatabase(ctx, cfg, logging.New(os.Stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer closeDB()
	created, err := account.Create(ctx, store.New(pool), name, defaultGreeting)
	if err != nil {
		return err
	}
	fmt.Printf("Account %q created (id %s). These keys are shown once; store them now.\n\n", name, created.Account.ID)
	fmt.Printf("%-16s %s\n", "site key", created.Account.SiteKey)
	fmt.Printf("%-16s %s\n", "identity secret", created.Account.IdentitySecret)
	for _, k := range created.Keys {
		fmt.Printf("%-16s %s\n", strings.ToUpper(string(k.Role))+" key", k.Secret)
	}
	return nil
}

type splitArgs struct{ own, config []string }

// filterFlags splits args into the flags fs defines and the rest (configuration flags).
func filterFlags(fs *flag.FlagSet, args []string) splitArgs {
	var out splitArgs
	for i := 0; i < len(args); i++ {
		name := strings.TrimLeft(strings.SplitN(args[i], "=", 2)[0], "-")
		if fs.Lookup(name) != nil {
			out.own = append(out.own, args[i])
			if !strings.Contains(args[i], "=") && i+1 < len(args) {
				i++
				out.own = append(out.own, args[i])
			}
			continue
		}
		out.config = append(out.config, args[i])
	}
	return out
}

// seedDemo makes sure the demo account exists and its keys are in <data-dir>/demo.env,
// and returns the account's id. Keys are stored only hashed, so an existing demo.env
// whose owner key still works is kept; otherwise a fresh demo account is created and the
// file rewritten.
func seedDemo(ctx context.Context, st *store.Store, cfg config, logger *slog.Logger) (string, error) {
	path := filepath.Join(cfg.DataDir, "demo.env")
	if vals, err := readEnvFile(path); err == nil {
		if key, err := st.APIKeyByHash(ctx, auth.HashKey(vals["TANDEM_API_KEY"])); err == nil {
			logger.Info("demo account ready", "env_file", path)
			return key.AccountID, nil
		}
	}
	created, err := demo.CreateAccount(ctx, st)
	if err != nil {
		return "", err
	}
	lines := []string{
		"# The demo account's credentials, written by `make run`. Keep this file private.",
		"TANDEM_ADDR=" + cfg.Addr,
		"TANDEM_ACCOUNT_ID=" + created.Account.ID,
		"TANDEM_API_KEY=" + created.Secret(domain.RoleOwner),
		"TANDEM_SITE_KEY=" + created.Account.SiteKey,
		"TANDEM_HELPDESK_KEY=" + created.Secret(domain.RoleHelpdesk),
		"TANDEM_SERVICE_KEY=" + created.Secret(domain.RoleService),
		"TANDEM_SUPPORT_KEY=" + created.Secret(domain.RoleSupport),
		"TANDEM_ANALYST_KEY=" + created.Secret(domain.RoleAnalyst),
		"TANDEM_IDENTITY_SECRET=" + created.Account.IdentitySecret,
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		return "", err
	}
	logger.Info("demo account created", "env_file", path, "account_id", created.Account.ID)
	return created.Account.ID, nil
}

func readEnvFile(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	vals := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			vals[k] = v
		}
	}
	return vals, nil
}
