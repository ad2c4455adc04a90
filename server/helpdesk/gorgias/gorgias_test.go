package gorgias_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/helpdesk"
	"github.com/tandemhq/tandem/server/helpdesk/gorgias"
	"github.com/tandemhq/tandem/server/helpdesk/gorgias/gorgiastest"
)

func TestCreateTicketAndStayUnderTheRateLimit(t *testing.T) {
	fake := gorgiastest.New(t)
	c := gorgias.New(time.Second)
	in := fake.Integration("acc")
	var heldBack int
	for i := range gorgias.RateLimit + 5 {
		id := fmt.Sprintf("h-%d", i)
		_, err := c.CreateTicket(t.Context(), in, helpdesk.Ticket{ExternalID: id, Subject: "s", Body: "[2026-01-02 10:00:00] Visitor: hi\n",
			RequesterEmail: "ann@example.com", Channel: domain.ChannelEmail})
		if wait := helpdesk.RetryAfter(err); wait > 0 {
			heldBack++
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if found, err := c.FindTicket(t.Context(), in, id); err != nil || found == "" {
			t.Fatalf("FindTicket(%s) = %q, %v", id, found, err)
		}
	}
	if fake.RateLimited() != 0 || heldBack == 0 {
		t.Fatalf("Gorgias refused %d calls and Tandem held back %d; want Tandem to hold back before Gorgias refuses", fake.RateLimited(), heldBack)
	}
	if got := len(fake.Tickets()); got != gorgias.RateLimit/2 {
		t.Fatalf("%d tickets: want %d (each took a create and a lookup)", got, gorgias.RateLimit/2)
	}
	if p := fake.Problems(); len(p) > 0 {
		t.Fatal(p)
	}
}

func TestCheckerRefusesWrongCredentials(t *testing.T) {
	fake := gorgiastest.New(t)
	check := gorgias.Checker{Client: gorgias.New(time.Second)}
	in := fake.Integration("acc")
	if err := check.Check(t.Context(), in); err != nil {
		t.Fatalf("good credentials: %v", err)
	}
	in.Credentials.APIKey = "wrong"
	if err := check.Check(t.Context(), in); domain.CodeOf(err) != domain.EInvalid {
		t.Fatalf("wrong key: %v, want EInvalid", err)
	}
}
