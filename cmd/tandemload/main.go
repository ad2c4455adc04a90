// Command tandemload measures a running tandemd over the Connect protocol, with the
// generated Go client. Subcommands:
//
//	tandemload turns -addr URL -site-key KEY [-database-url URL] [-clients 1,8,32] [-duration 15s]
//	        [-server-pid PID -postgres-pid PID] [-gzip=false]
//	    SendMessage turns per second and p50/p99 at each concurrency level, then
//	    pgbench doing one turn's writes against the same database, and the ratio;
//	    with the process ids, the CPU each side used per turn.
//	tandemload watch -addr URL -site-key KEY [-addr2 URL] [-streams 10000] [-server-pid PID]
//	    N WatchConversation streams at once: server memory per stream and event
//	    delivery latency, sending through -addr2 (another replica) when set.
//
// Every run is bounded in time and stops by itself. Each simulated visitor starts its own
// web chat conversation with the site key; run tandemd with raised -rate-limit-visitor
// and -rate-limit-site-key, or the default limits (5 turns/s per visitor, 100 new
// conversations/s per site key) cap what is measured.
package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"connectrpc.com/connect"

	"github.com/tandemhq/tandem/clients/go/tandemclient"
	tandemv1 "github.com/tandemhq/tandem/gen/tandem/v1"
	"github.com/tandemhq/tandem/gen/tandem/v1/tandemv1connect"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: tandemload turns|watch [flags] (-h for the flags)")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "turns":
		err = runTurns(ctx, os.Args[2:])
	case "watch":
		err = runWatch(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: use turns or watch", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tandemload:", err)
		os.Exit(1)
	}
}

// visitor is a conversation started with the site key and its visitor's credential.
type visitor struct {
	conversationID string
	token          string
	lastSequence   int64
}

// checkLoopback refuses addresses that are not on this machine: the load is for a
// local tandemd only.
func checkLoopback(addr string) error {
	u, err := url.Parse(addr)
	if err != nil || u.Scheme != "http" {
		return fmt.Errorf("address %q: want http://127.0.0.1:PORT", addr)
	}
	switch u.Hostname() {
	case "127.0.0.1", "localhost", "::1":
		return nil
	}
	return fmt.Errorf("address %q is not a loopback address", addr)
}

// startConversations starts n web chat conversations with the site key, workers at a
// time, waiting and retrying when the site key's rate limit refuses one. It reports
// progress on standard error.
func startConversations(ctx context.Context, addr, siteKey string, n, workers int) ([]visitor, error) {
	client := tandemclient.New(addr, siteKey).Conversations
	visitors := make([]visitor, n)
	var next, limited atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, workers)
	began := time.Now()
	for range min(workers, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				for {
					res, err := client.StartConversation(ctx, connect.NewRequest(&tandemv1.StartConversationRequest{
						Channel: tandemv1.Channel_CHANNEL_WEBCHAT,
						PageUrl: "https://shop.example/load",
					}))
					if connect.CodeOf(err) == connect.CodeResourceExhausted {
						limited.Add(1)
						time.Sleep(50 * time.Millisecond)
						continue
					}
					if err != nil {
						errc <- fmt.Errorf("starting conversation %d: %w", i, err)
						return
					}
					c := res.Msg.GetConversation()
					visitors[i] = visitor{conversationID: c.GetId(), token: res.Msg.GetVisitorToken(), lastSequence: c.GetLastSequence()}
					break
				}
				if done := i + 1; done%2000 == 0 {
					fmt.Fprintf(os.Stderr, "  started %d/%d conversations\n", done, n)
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	if err := errors.Join(collect(errc)...); err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "started %d conversations in %s (%d rate-limited attempts retried)\n",
		n, time.Since(began).Round(time.Millisecond), limited.Load())
	return visitors, nil
}

// sendTurn sends one visitor message as v, with a fresh idempotency key.
func sendTurn(ctx context.Context, client tandemv1connect.ConversationServiceClient, v visitor, key, text string) error {
	req := connect.NewRequest(&tandemv1.SendMessageRequest{
		ConversationId: v.conversationID,
		IdempotencyKey: key,
		Content:        &tandemv1.SendMessageRequest_Text{Text: text},
	})
	req.Header().Set("Authorization", "Bearer "+v.token)
	_, err := client.SendMessage(ctx, req)
	return err
}

// clientOptions returns the client options that accept gzip-compressed responses or not.
func clientOptions(gzip bool) []connect.ClientOption {
	if gzip {
		return nil
	}
	return []connect.ClientOption{connect.WithAcceptCompression("gzip", nil, nil)}
}

func collect(errc <-chan error) []error {
	var errs []error
	for err := range errc {
		errs = append(errs, err)
	}
	return errs
}

// parseInts parses a comma-separated list of positive integers ("1,8,32").
func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		var n int
		if _, err := fmt.Sscan(strings.TrimSpace(f), &n); err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a list of positive numbers", s)
		}
		out = append(out, n)
	}
	return out, nil
}
