// Package jobs runs Tandem's durable background work (ticket delivery to helpdesks,
// and whatever else packages register: inactivity close, metric rollups) as jobs in
// PostgreSQL with River. Jobs are queued in the same transaction as the change that
// needs them, so a job exists exactly when its change committed; any number of replicas
// work the queue together (River locks each job for one worker, and one elected
// leader runs periodic jobs and maintenance).
//
// Packages register workers and periodic jobs before Start; the store queues jobs
// through InsertTx at any time.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/tandemhq/tandem/server/domain"
)

// Config tunes the queue.
type Config struct {
	// Workers is how many jobs one replica works at once (default 20).
	Workers int
	// FetchPollInterval is how often a replica polls for jobs when no notification
	// arrives (default 1s; River also wakes on LISTEN/NOTIFY).
	FetchPollInterval time.Duration
	// JobTimeout bounds one attempt of a job (default 1 minute).
	JobTimeout time.Duration
}

// Queue is one replica's handle on the job queue: an insert-only River client that
// the store queues jobs with, and, once started, a client that works them.
type Queue struct {
	pool     *pgxpool.Pool
	logger   *slog.Logger
	cfg      Config
	inserter *river.Client[pgx.Tx]
	workers  *river.Workers
	kinds    []string
	periodic []*river.PeriodicJob

	mu      sync.Mutex
	running *river.Client[pgx.Tx]
}

// New returns a queue on pool; nothing is worked until Start.
func New(pool *pgxpool.Pool, logger *slog.Logger, cfg Config) (*Queue, error) {
	if cfg.Workers == 0 {
		cfg.Workers = 20
	}
	if cfg.FetchPollInterval == 0 {
		cfg.FetchPollInterval = time.Second
	}
	if cfg.JobTimeout == 0 {
		cfg.JobTimeout = time.Minute
	}
	// With no Workers, River skips the unknown-kind check: workers may register later.
	inserter, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return &Queue{pool: pool, logger: logger, cfg: cfg, inserter: inserter, workers: river.NewWorkers()}, nil
}

// Register adds the worker of the job kind T. Call it before Start; registering a kind
// twice panics, as River does.
func Register[T river.JobArgs](q *Queue, w river.Worker[T]) {
	river.AddWorker(q.workers, w)
	var args T
	q.kinds = append(q.kinds, args.Kind())
}

// AddPeriodic schedules a periodic job (its worker must be registered). The elected
// leader replica inserts it on schedule; call it before Start.
func (q *Queue) AddPeriodic(j *river.PeriodicJob) {
	q.periodic = append(q.periodic, j)
}

// InsertTx queues jobs in tx; they are worked once tx commits.
func (q *Queue) InsertTx(ctx context.Context, tx pgx.Tx, jobs []domain.JobArgs) error {
	params := make([]river.InsertManyParams, len(jobs))
	for i, j := range jobs {
		params[i] = river.InsertManyParams{Args: j}
	}
	if _, err := q.inserter.InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("jobs: queueing %d jobs: %w", len(jobs), err)
	}
	return nil
}

// Start works the queue with the registered workers until Stop. Without workers it
// does nothing.
func (q *Queue) Start(ctx context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.running != nil {
		return errors.New("jobs: already started")
	}
	if len(q.kinds) == 0 {
		return nil
	}
	c, err := river.NewClient(riverpgxv5.New(q.pool), &river.Config{
		Logger:            q.logger,
		Workers:           q.workers,
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: q.cfg.Workers}},
		PeriodicJobs:      q.periodic,
		FetchPollInterval: q.cfg.FetchPollInterval,
		JobTimeout:        q.cfg.JobTimeout,
		// A replica that dies mid-job leaves it running; another replica takes it over
		// this long after it started.
		RescueStuckJobsAfter: q.cfg.JobTimeout + time.Minute,
	})
	if err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	if err := c.Start(ctx); err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	q.running = c
	return nil
}

// Stop finishes the jobs being worked (until ctx ends, then cancels them; River
// retries cancelled jobs later) and stops working the queue.
func (q *Queue) Stop(ctx context.Context) error {
	q.mu.Lock()
	c := q.running
	q.running = nil
	q.mu.Unlock()
	if c == nil {
		return nil
	}
	if err := c.Stop(ctx); err != nil {
		return c.StopAndCancel(context.Background())
	}
	return nil
}
