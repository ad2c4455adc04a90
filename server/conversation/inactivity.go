package conversation

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/tandemhq/tandem/server/domain"
)

// IdleStore finds idle conversations for the inactivity close.
type IdleStore interface {
	// IdleConversations returns conversations the AI has in which nothing changed for
	// their account's inactivity timeout (defaultTimeout for accounts that set none) as
	// of now: at most perAccount of each account, the longest idle first, at most limit.
	IdleConversations(ctx context.Context, now time.Time, defaultTimeout time.Duration, perAccount, limit int) ([]domain.IdleConversation, error)
}

// InactivityConfig tunes the inactivity close.
type InactivityConfig struct {
	// Every is how often it runs (default 1 minute): a conversation closes at most this
	// long after its timeout.
	Every time.Duration
	// BatchSize is how many conversations one query lists (default 200).
	BatchSize int
	// PerAccount is how many conversations of one account a batch takes at most
	// (default 100), so one account's backlog does not hold up the others.
	PerAccount int
	// MaxPerTick bounds the conversations one run closes (default 5,000); the rest wait
	// for the next run.
	MaxPerTick int
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// InactivityArgs is the periodic job that closes idle conversations.
type InactivityArgs struct{}

// Kind names the job's worker.
func (InactivityArgs) Kind() string { return "conversation_inactivity_close" }

// InsertOpts makes the job unique while one waits or runs, so runs never overlap when
// one takes longer than the interval, and spends no retries: the next run does the work.
func (InactivityArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateScheduled,
	}}}
}

// InactivityCloser is the River worker of InactivityArgs: it closes conversations the
// AI has (AI_ACTIVE, awaiting the visitor's consent or email) that had no activity for
// their account's inactivity timeout, as resolved, through the conversation's change
// (events for watchers, metrics). Conversations a person owns (WITH_TEAM) stay open.
type InactivityCloser struct {
	river.WorkerDefaults[InactivityArgs]
	conversations *Service
	store         IdleStore
	cfg           InactivityConfig
	logger        *slog.Logger
}

// NewInactivityCloser returns the worker closing idle conversations of conversations.
func NewInactivityCloser(conversations *Service, store IdleStore, logger *slog.Logger, cfg InactivityConfig) *InactivityCloser {
	if cfg.Every == 0 {
		cfg.Every = time.Minute
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = 200
	}
	if cfg.PerAccount == 0 {
		cfg.PerAccount = 100
	}
	if cfg.MaxPerTick == 0 {
		cfg.MaxPerTick = 5000
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &InactivityCloser{conversations: conversations, store: store, cfg: cfg, logger: logger}
}

// Periodic is the schedule of the job: every cfg.Every, and once when a replica
// becomes the leader.
func (w *InactivityCloser) Periodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(w.cfg.Every), func() (river.JobArgs, *river.InsertOpts) {
		return InactivityArgs{}, nil
	}, &river.PeriodicJobOpts{ID: InactivityArgs{}.Kind(), RunOnStart: true})
}

// Timeout bounds one run.
func (w *InactivityCloser) Timeout(*river.Job[InactivityArgs]) time.Duration { return 5 * time.Minute }

// Work runs one tick.
func (w *InactivityCloser) Work(ctx context.Context, _ *river.Job[InactivityArgs]) error {
	_, err := w.Sweep(ctx, w.cfg.Now())
	return err
}

// SweepResult is what one sweep did.
type SweepResult struct {
	// Closed is how many conversations it closed.
	Closed int
	// Skipped is how many listed conversations moved on before they could be closed.
	Skipped int
	// Failed is how many could not be closed (logged; the next sweep tries again).
	Failed int
}

// Sweep closes the conversations idle as of now, in batches, at most cfg.MaxPerTick.
// It is safe to run on several replicas at once: each close is a conditional change
// of one conversation, and a conversation closed or changed meanwhile is skipped.
func (w *InactivityCloser) Sweep(ctx context.Context, now time.Time) (SweepResult, error) {
	started := time.Now()
	var res SweepResult
	for res.Closed+res.Skipped+res.Failed < w.cfg.MaxPerTick {
		limit := min(w.cfg.BatchSize, w.cfg.MaxPerTick-res.Closed-res.Skipped-res.Failed)
		idle, err := w.store.IdleConversations(ctx, now, domain.DefaultInactivityTimeout, w.cfg.PerAccount, limit)
		if err != nil {
			return res, err
		}
		closed := 0
		for _, c := range idle {
			ok, err := w.conversations.CloseIdle(ctx, c.AccountID, c.ID, now.Add(-c.Timeout))
			switch {
			case err != nil:
				res.Failed++
				w.logger.WarnContext(ctx, "closing an idle conversation", "account_id", c.AccountID, "conversation_id", c.ID, "error", err)
			case ok:
				closed++
			default:
				res.Skipped++
			}
		}
		res.Closed += closed
		// A short batch may be short for the per-account cap, so only a batch that
		// closed nothing (none left, or the same ones would come back) ends the sweep.
		if closed == 0 {
			break
		}
	}
	if res != (SweepResult{}) {
		w.logger.InfoContext(ctx, "inactivity close", "closed", res.Closed, "skipped", res.Skipped, "failed", res.Failed,
			"duration", time.Since(started))
	}
	return res, nil
}
