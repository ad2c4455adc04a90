package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// pgbenchScript does exactly the writes of one SendMessage turn (store.ApplyChange):
// the conversation's update, the visitor's message and the agent's reply in one
// multi-row insert, and their two events in another, whose statement trigger sends the
// NOTIFY that wakes the streams. Each pgbench client writes to its own conversation,
// picked by its client id. The only difference from tandemd's update is that the
// conversation's last sequence comes from the update itself (RETURNING) instead of a
// read before the transaction, so the WHERE has no "last_sequence = expected".
// %[1]s is the throwaway account's id.
const pgbenchScript = `BEGIN;
UPDATE conversations
SET status = 'ai_active', visitor_authenticated = false, visitor_profile_id = '',
    visitor_email = '', visitor_address = '', visitor_name = '', locale = '',
    page_url = 'https://shop.example/load', active_skill = '',
    last_sequence = last_sequence + 2, message_count = message_count + 2,
    updated_at = now(), closed_at = NULL, closed_by_kind = '', closed_by_key_id = '',
    closed_by_name = '', close_reason = '', outcome = '', handoff_id = NULL
WHERE account_id = '%[1]s'
    AND id = ('00000000-0000-0000-0000-' || lpad(:client_id::text, 12, '0'))::uuid
RETURNING last_sequence AS seq
\gset
INSERT INTO messages (account_id, conversation_id, sequence, id, author, author_name, body, skill,
    card, quick_replies, links, idempotency_key, turn_end, created_at)
VALUES
    ('%[1]s', ('00000000-0000-0000-0000-' || lpad(:client_id::text, 12, '0'))::uuid,
     :seq::bigint - 1, gen_random_uuid(), 'visitor', '', '%[2]s', '', NULL, NULL, NULL,
     'pgbench-' || :seq::text, :seq::bigint, now()),
    ('%[1]s', ('00000000-0000-0000-0000-' || lpad(:client_id::text, 12, '0'))::uuid,
     :seq::bigint, gen_random_uuid(), 'ai_agent', '', '%[3]s', '', NULL, NULL, NULL,
     NULL, NULL, now());
INSERT INTO conversation_events (account_id, conversation_id, sequence, channel, type, payload, created_at)
SELECT c.account_id, c.id, e.sequence, c.channel, 'message_added', NULL, now()
FROM conversations AS c,
    (VALUES (:seq::bigint - 1), (:seq::bigint)) AS e (sequence)
WHERE c.account_id = '%[1]s'
    AND c.id = ('00000000-0000-0000-0000-' || lpad(:client_id::text, 12, '0'))::uuid;
END;
`

// agentReply is the length of the reply tandemd's agent writes today.
const agentReply = "Thanks for your message. I can't answer questions yet; this assistant is still being set up."

// pgbenchResult is one pgbench run.
type pgbenchResult struct {
	tps          float64
	latencyMs    float64
	cpu          cpuUse
	pgbenchCores float64 // pgbench's own CPU use
}

var (
	tpsLine     = regexp.MustCompile(`(?m)^tps = ([0-9.]+) \(without initial connection time\)`)
	latencyLine = regexp.MustCompile(`(?m)^latency average = ([0-9.]+) ms`)
	failedLine  = regexp.MustCompile(`(?m)^number of failed transactions: ([1-9][0-9]*)`)
)

// runPgbenchLevels runs pgbench with the turn's writes at each client count for
// duration, on conversations of a throwaway account that it deletes afterwards.
func runPgbenchLevels(ctx context.Context, bin, databaseURL string, levels []int, duration time.Duration, postgresPID int) ([]pgbenchResult, error) {
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	account := uuid.New()
	if err := preparePgbench(ctx, conn, account, slices.Max(levels)); err != nil {
		return nil, err
	}
	defer func() {
		// Deleting the account cascades to its conversations, messages and events.
		if _, err := conn.Exec(context.WithoutCancel(ctx), "DELETE FROM accounts WHERE id = $1", account); err != nil {
			fmt.Fprintln(os.Stderr, "tandemload: deleting the pgbench account:", err)
		}
	}()
	dir, err := os.MkdirTemp("", "tandemload-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "turn.sql")
	text := fmt.Sprintf(pgbenchScript, account, strings.ReplaceAll(turnText, "'", "''"), strings.ReplaceAll(agentReply, "'", "''"))
	if err := os.WriteFile(script, []byte(text), 0o600); err != nil {
		return nil, err
	}
	var results []pgbenchResult
	for _, n := range levels {
		fmt.Fprintf(os.Stderr, "pgbench: %d clients for %s\n", n, duration)
		r, err := runPgbench(ctx, bin, databaseURL, script, n, duration, postgresPID)
		if err != nil {
			return nil, err
		}
		results = append(results, r)
	}
	return results, nil
}

// preparePgbench creates the throwaway account and one web chat conversation per
// pgbench client, with the ids the script computes from the client id.
func preparePgbench(ctx context.Context, conn *pgx.Conn, account uuid.UUID, clients int) error {
	_, err := conn.Exec(ctx, `INSERT INTO accounts (id, name, site_key, identity_secret, greeting)
		VALUES ($1, 'tandemload pgbench (throwaway)', $2, 'unused', '')`, account, "pgbench_"+account.String())
	if err != nil {
		return fmt.Errorf("creating the pgbench account: %w", err)
	}
	_, err = conn.Exec(ctx, `INSERT INTO conversations (account_id, id, channel, status, created_at, updated_at)
		SELECT $1, ('00000000-0000-0000-0000-' || lpad(i::text, 12, '0'))::uuid, 'webchat', 'ai_active', now(), now()
		FROM generate_series(0, $2::int - 1) AS i`, account, clients)
	if err != nil {
		return fmt.Errorf("creating the pgbench conversations: %w", err)
	}
	return nil
}

// runPgbench runs the script with n clients for duration and parses pgbench's report.
func runPgbench(ctx context.Context, bin, databaseURL, script string, n int, duration time.Duration, postgresPID int) (pgbenchResult, error) {
	var r pgbenchResult
	secs := max(int(duration.Round(time.Second).Seconds()), 1)
	cmd := exec.CommandContext(ctx, bin, "-n", "-M", "prepared", "-f", script,
		"-c", strconv.Itoa(n), "-j", strconv.Itoa(min(n, 2)), "-T", strconv.Itoa(secs), databaseURL)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	before, err := sampleCPU(0, postgresPID)
	if err != nil {
		return r, err
	}
	if err := cmd.Run(); err != nil {
		return r, fmt.Errorf("pgbench: %w\n%s", err, out.String())
	}
	after, err := sampleCPU(0, postgresPID)
	if err != nil {
		return r, err
	}
	report := out.String()
	m := tpsLine.FindStringSubmatch(report)
	if m == nil {
		return r, fmt.Errorf("no tps in pgbench's report:\n%s", report)
	}
	if f := failedLine.FindStringSubmatch(report); f != nil {
		return r, fmt.Errorf("pgbench: %s transactions failed:\n%s", f[1], report)
	}
	r.tps, _ = strconv.ParseFloat(m[1], 64)
	if l := latencyLine.FindStringSubmatch(report); l != nil {
		r.latencyMs, _ = strconv.ParseFloat(l[1], 64)
	}
	r.cpu = cpuBetween(before, after)
	r.pgbenchCores = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds() / r.cpu.wall.Seconds()
	return r, nil
}
