package handoff

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/helpdesk"
)

// DeliverArgs is the job that delivers a handoff's ticket to the account's helpdesk.
// It is queued in the transaction that creates the handoff.
type DeliverArgs struct {
	// AccountID is the handoff's account.
	AccountID string `json:"account_id"`
	// HandoffID is the handoff.
	HandoffID string `json:"handoff_id"`
}

// Kind names the job's worker.
func (DeliverArgs) Kind() string { return "handoff_delivery" }

// InsertOpts keeps retrying for about a day of helpdesk outage (attempts are spaced at
// most MaxDeliveryBackoff apart; waits a helpdesk asks for with 429 do not count).
func (DeliverArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 3000} }

// MaxDeliveryBackoff is the longest wait between two delivery attempts, so tickets
// flow within a minute of a helpdesk recovering.
const MaxDeliveryBackoff = 30 * time.Second

// DeliveryStore is the storage the delivery job needs.
type DeliveryStore interface {
	// Handoff returns a handoff, or ENotFound.
	Handoff(ctx context.Context, accountID, id string) (domain.Handoff, error)
	// Messages returns a conversation's transcript.
	Messages(ctx context.Context, accountID, conversationID string) ([]domain.Message, error)
	// MarkHandoffDelivered records the helpdesk's ticket id once.
	MarkHandoffDelivered(ctx context.Context, accountID, id, externalTicketID string, at time.Time) (domain.Handoff, error)
}

// Deliverer is the River worker of DeliverArgs: it creates the ticket in the
// helpdesk and stores the helpdesk's ticket id. It never creates a ticket twice: the
// handoff id is the ticket's external id and idempotency key, and an attempt after a
// failed one first looks the ticket up by external id.
type Deliverer struct {
	river.WorkerDefaults[DeliverArgs]
	store        DeliveryStore
	integrations Integrations
	adapters     map[domain.HandoffDestination]helpdesk.Adapter
	logger       *slog.Logger
}

// NewDeliverer returns the worker delivering to the adapters by destination.
func NewDeliverer(store DeliveryStore, integrations Integrations, adapters map[domain.HandoffDestination]helpdesk.Adapter, logger *slog.Logger) *Deliverer {
	return &Deliverer{store: store, integrations: integrations, adapters: adapters, logger: logger}
}

// NextRetry waits 1 s, 2 s, 4 s … up to MaxDeliveryBackoff, with ±20% jitter so a
// recovered helpdesk is not hit by every ticket at once.
func (d *Deliverer) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	backoff := MaxDeliveryBackoff
	if job.Attempt < 6 {
		backoff = min(time.Second<<max(job.Attempt-1, 0), MaxDeliveryBackoff)
	}
	jitter := time.Duration((rand.Float64()*0.4 - 0.2) * float64(backoff))
	return time.Now().Add(backoff + jitter)
}

// Timeout bounds one attempt.
func (d *Deliverer) Timeout(*river.Job[DeliverArgs]) time.Duration { return time.Minute }

// Work delivers one handoff.
func (d *Deliverer) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	a := job.Args
	h, err := d.store.Handoff(ctx, a.AccountID, a.HandoffID)
	if domain.CodeOf(err) == domain.ENotFound {
		d.logger.WarnContext(ctx, "handoff to deliver is gone", "account_id", a.AccountID, "handoff_id", a.HandoffID)
		return nil
	}
	if err != nil {
		return err
	}
	if h.Status != domain.HandoffPending {
		return nil
	}
	adapter, ok := d.adapters[h.Destination]
	if !ok {
		return river.JobCancel(errors.New("no helpdesk adapter for destination " + string(h.Destination)))
	}
	in, err := connectedIntegration(ctx, d.integrations, h.AccountID, h.Destination.Provider())
	if err != nil {
		return err
	}
	ticketID, err := d.deliver(ctx, adapter, in, h, job.Attempt > 1)
	if wait := helpdesk.RetryAfter(err); wait > 0 {
		d.logger.InfoContext(ctx, "helpdesk asked to wait", "handoff_id", h.ID, "destination", h.Destination, "retry_after", wait)
		return river.JobSnooze(wait)
	}
	if err != nil {
		d.logger.WarnContext(ctx, "ticket delivery failed; retrying", "handoff_id", h.ID, "destination", h.Destination,
			"attempt", job.Attempt, "error", err)
		return err
	}
	if _, err := d.store.MarkHandoffDelivered(ctx, h.AccountID, h.ID, ticketID, time.Now().UTC()); err != nil {
		return err
	}
	d.logger.InfoContext(ctx, "ticket delivered", "handoff_id", h.ID, "destination", h.Destination, "ticket_id", ticketID,
		"attempt", job.Attempt, "delay", time.Since(h.CreatedAt))
	return nil
}

// deliver creates the ticket, or, after an earlier attempt that may have reached the
// helpdesk, finds the ticket that attempt created.
func (d *Deliverer) deliver(ctx context.Context, adapter helpdesk.Adapter, in domain.Integration, h domain.Handoff, retry bool) (string, error) {
	if retry {
		id, err := adapter.FindTicket(ctx, in, h.ID)
		if err != nil || id != "" {
			return id, err
		}
	}
	msgs, err := d.store.Messages(ctx, h.AccountID, h.ConversationID)
	if err != nil {
		return "", err
	}
	return adapter.CreateTicket(ctx, in, helpdesk.NewTicket(h, msgs))
}
