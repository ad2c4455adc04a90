package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"sync"
	"text/tabwriter"
	"time"

	"connectrpc.com/connect"
	"github.com/google/uuid"

	"github.com/tandemhq/tandem/clients/go/tandemclient"
)

// turnText is what every simulated visitor says.
const turnText = "Hi, where is my order? It was placed last week."

// levelResult is what one concurrency level measured.
type levelResult struct {
	clients  int
	turns    int
	errors   int
	firstErr error
	rate     float64 // turns per second
	p50, p99 time.Duration
	cpu      cpuUse
}

// runTurns is the turns command.
func runTurns(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("turns", flag.ContinueOnError)
	addr := fs.String("addr", "http://127.0.0.1:8080", "tandemd's base URL (loopback only)")
	siteKey := fs.String("site-key", "", "the account's site key (required)")
	databaseURL := fs.String("database-url", "", "tandemd's PostgreSQL, to run pgbench on (empty skips pgbench)")
	clientList := fs.String("clients", "1,8,32", "concurrency levels: closed-loop clients, each with its own connection and conversations")
	perClient := fs.Int("conversations-per-client", 1, "conversations each client rotates through (raise it to stay under the per-visitor rate limit)")
	duration := fs.Duration("duration", 15*time.Second, "measured time per level")
	warmup := fs.Duration("warmup", 2*time.Second, "unmeasured time before each level")
	serverPID := fs.Int("server-pid", 0, "tandemd's process id; with -postgres-pid, reports where the CPU went")
	postgresPID := fs.Int("postgres-pid", 0, "the PostgreSQL postmaster's process id (first line of DATADIR/postmaster.pid)")
	gzip := fs.Bool("gzip", true, "accept gzip-compressed responses, as the generated clients do by default")
	pgbench := fs.String("pgbench", "/usr/lib/postgresql/15/bin/pgbench", "the pgbench program")
	if err := fs.Parse(args); err != nil {
		return err
	}
	levels, err := parseInts(*clientList)
	if err != nil {
		return err
	}
	if *siteKey == "" || *perClient < 1 || *duration <= 0 {
		return fmt.Errorf("turns needs -site-key, a positive -duration and -conversations-per-client")
	}
	if err := checkLoopback(*addr); err != nil {
		return err
	}
	visitors, err := startConversations(ctx, *addr, *siteKey, slices.Max(levels)**perClient, 16)
	if err != nil {
		return err
	}
	results := make([]levelResult, len(levels))
	for i, n := range levels {
		fmt.Fprintf(os.Stderr, "turns: %d clients for %s (+%s warm-up)\n", n, *duration, *warmup)
		results[i] = runLevel(ctx, *addr, visitors, n, *perClient, *warmup, *duration, *serverPID, *postgresPID, clientOptions(*gzip)...)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	var bench []pgbenchResult
	if *databaseURL != "" {
		if bench, err = runPgbenchLevels(ctx, *pgbench, *databaseURL, levels, *duration, *postgresPID); err != nil {
			return err
		}
	}
	printTurns(results, bench)
	if *serverPID > 0 && *postgresPID > 0 {
		printCPU(results, bench)
	}
	return nil
}

// runLevel runs clients closed-loop workers for warmup plus duration and measures the
// turns that started and ended within the measured duration.
func runLevel(ctx context.Context, addr string, visitors []visitor, clients, perClient int, warmup, duration time.Duration, serverPID, postgresPID int, opts ...connect.ClientOption) levelResult {
	res := levelResult{clients: clients}
	from := time.Now().Add(warmup)
	end := from.Add(duration)
	var mu sync.Mutex
	var latencies []time.Duration
	var wg sync.WaitGroup
	for w := range clients {
		own := visitors[w*perClient : (w+1)*perClient]
		wg.Go(func() {
			// Each client has its own connection, as separate browsers would.
			client := tandemclient.New(addr, "", opts...).Conversations
			var mine []time.Duration
			var errs int
			var firstErr error
			for i := 0; ctx.Err() == nil; i++ {
				start := time.Now()
				if !start.Before(end) {
					break
				}
				callCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
				err := sendTurn(callCtx, client, own[i%perClient], uuid.NewString(), turnText)
				cancel()
				took := time.Since(start)
				if start.Before(from) || start.Add(took).After(end) {
					continue
				}
				if err != nil {
					errs++
					firstErr = cmpErr(firstErr, err)
					continue
				}
				mine = append(mine, took)
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			res.errors += errs
			res.firstErr = cmpErr(res.firstErr, firstErr)
			mu.Unlock()
		})
	}
	sleepUntil(ctx, from)
	before, err1 := sampleCPU(serverPID, postgresPID)
	sleepUntil(ctx, end)
	after, err2 := sampleCPU(serverPID, postgresPID)
	wg.Wait()
	if err1 == nil && err2 == nil {
		res.cpu = cpuBetween(before, after)
	}
	slices.Sort(latencies)
	res.turns = len(latencies)
	res.rate = float64(res.turns) / duration.Seconds()
	res.p50, res.p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
	if res.firstErr != nil {
		fmt.Fprintf(os.Stderr, "  %d errors, the first: %v\n", res.errors, res.firstErr)
	}
	return res
}

// cmpErr returns first unless it is nil, then err.
func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

func sleepUntil(ctx context.Context, t time.Time) {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-ctx.Done():
	case <-timer.C:
	}
}

// printTurns prints the results table.
func printTurns(results []levelResult, bench []pgbenchResult) {
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "clients\tturns/s\tp50 ms\tp99 ms\terrors\tpgbench tps\tpgbench avg ms\tratio\t")
	for i, r := range results {
		tps, avg, ratio := "-", "-", "-"
		if i < len(bench) {
			b := bench[i]
			tps, avg = fmt.Sprintf("%.0f", b.tps), fmt.Sprintf("%.2f", b.latencyMs)
			if b.tps > 0 {
				ratio = fmt.Sprintf("%.0f%%", 100*r.rate/b.tps)
			}
		}
		fmt.Fprintf(tw, "%d\t%.0f\t%s\t%s\t%d\t%s\t%s\t%s\t\n", r.clients, r.rate, ms(r.p50), ms(r.p99), r.errors, tps, avg, ratio)
	}
	tw.Flush()
}

// printCPU prints where the CPU went during each level, in cores busy: machine-wide
// (from /proc/stat, which other processes share) and in tandemd, in PostgreSQL (the
// postmaster and its backends) and in tandemload or pgbench (from /proc/PID/stat).
func printCPU(results []levelResult, bench []pgbenchResult) {
	perOp := func(cores, rate float64) string {
		if rate <= 0 {
			return "-"
		}
		return fmt.Sprintf("%.3f", 1000*cores/rate)
	}
	fmt.Printf("\nCPU during the turns, in cores of %d:\n", runtime.NumCPU())
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "clients\tmachine busy\ttandemd\tpostgres\ttandemload\ttandemd ms/turn\tpostgres ms/turn\t")
	for _, r := range results {
		c := r.cpu
		fmt.Fprintf(tw, "%d\t%.2f\t%.2f\t%.2f\t%.2f\t%s\t%s\t\n", r.clients, c.machine, c.server, c.postgres, c.self,
			perOp(c.server, r.rate), perOp(c.postgres, r.rate))
	}
	tw.Flush()
	if len(bench) == 0 {
		return
	}
	fmt.Println("\nCPU during pgbench, in cores:")
	tw = tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "clients\tmachine busy\tpostgres\tpgbench\tpostgres ms/txn\t")
	for i, b := range bench {
		c := b.cpu
		fmt.Fprintf(tw, "%d\t%.2f\t%.2f\t%.2f\t%s\t\n", results[i].clients, c.machine, c.postgres, b.pgbenchCores, perOp(c.postgres, b.tps))
	}
	tw.Flush()
}
