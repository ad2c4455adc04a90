// Command tandemd is Tandem's server. Subcommands:
//
//	tandemd [serve] [flags]            serve the API (the default)
//	tandemd create-account -name NAME  create an account and print its keys once
//	tandemd migrate                    apply database migrations and exit
//
// Configuration comes from environment variables; flags override them. Run
// `tandemd serve -h` for the list.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	args := os.Args[1:]
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, args)
	case "create-account":
		err = createAccount(ctx, args)
	case "migrate":
		err = migrate(ctx, args)
	default:
		err = fmt.Errorf("unknown command %q: use serve, create-account or migrate", cmd)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tandemd:", err)
		os.Exit(1)
	}
}
