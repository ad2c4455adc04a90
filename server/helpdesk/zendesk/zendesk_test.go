package zendesk_test

import (
	"errors"
	"testing"
	"time"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/helpdesk"
	"github.com/tandemhq/tandem/server/helpdesk/helpdesktest"
	"github.com/tandemhq/tandem/server/helpdesk/zendesk"
	"github.com/tandemhq/tandem/server/helpdesk/zendesk/zendesktest"
)

func ticket(id string) helpdesk.Ticket {
	return helpdesk.Ticket{ExternalID: id, Subject: "Chat handoff: where is my parcel", Body: "[2026-01-02 10:00:00] Visitor: where is my parcel\n",
		RequesterEmail: "ann@example.com", Channel: domain.ChannelWebchat, Tags: []string{"tandem"}}
}

func TestCreateTicketIsIdempotentAndFindable(t *testing.T) {
	fake := zendesktest.New(t)
	c := zendesk.New(time.Second)
	in := fake.Integration("acc")
	first, err := c.CreateTicket(t.Context(), in, ticket("h-1"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.CreateTicket(t.Context(), in, ticket("h-1"))
	if err != nil || again != first || len(fake.Tickets()) != 1 {
		t.Fatalf("a repeat with the same Idempotency-Key gave %q, %v and %d tickets; want %q and one ticket", again, err, len(fake.Tickets()), first)
	}
	if found, err := c.FindTicket(t.Context(), in, "h-1"); err != nil || found != first {
		t.Fatalf("FindTicket = %q, %v; want %q", found, err, first)
	}
	if found, err := c.FindTicket(t.Context(), in, "h-2"); err != nil || found != "" {
		t.Fatalf("FindTicket of an unknown ticket = %q, %v", found, err)
	}
	if p := fake.Problems(); len(p) > 0 {
		t.Fatal(p)
	}
}

func TestFailuresSayWhetherAndWhenToRetry(t *testing.T) {
	fake := zendesktest.New(t)
	fake.RetryAfter = 7 * time.Second
	fake.Hang = 2 * time.Second
	c := zendesk.New(500 * time.Millisecond)
	in := fake.Integration("acc")
	fake.Script(helpdesktest.Fault429, helpdesktest.Fault500, helpdesktest.FaultHang, helpdesktest.FaultDrop)
	_, err := c.CreateTicket(t.Context(), in, ticket("h-1"))
	if helpdesk.RetryAfter(err) != 7*time.Second {
		t.Fatalf("429 gave %v; want Retry-After 7s", err)
	}
	for _, fault := range []string{"500", "timeout", "dropped connection"} {
		_, err := c.CreateTicket(t.Context(), in, ticket("h-1"))
		var he *helpdesk.Error
		if !errors.As(err, &he) || helpdesk.RetryAfter(err) != 0 {
			t.Fatalf("%s gave %v; want a helpdesk error to retry with backoff", fault, err)
		}
	}
	if len(fake.Tickets()) != 0 {
		t.Fatalf("failed calls created %d tickets", len(fake.Tickets()))
	}
}

func TestCheckerRefusesWrongCredentials(t *testing.T) {
	fake := zendesktest.New(t)
	check := zendesk.Checker{Client: zendesk.New(time.Second)}
	in := fake.Integration("acc")
	if err := check.Check(t.Context(), in); err != nil {
		t.Fatalf("good credentials: %v", err)
	}
	in.Credentials.APIToken = "wrong"
	if err := check.Check(t.Context(), in); domain.CodeOf(err) != domain.EInvalid {
		t.Fatalf("wrong token: %v, want EInvalid", err)
	}
	in.APIBaseURL = "http://127.0.0.1:1"
	if err := check.Check(t.Context(), in); domain.CodeOf(err) != domain.EUnavailable {
		t.Fatalf("unreachable: %v, want EUnavailable", err)
	}
}
