// Package zendesk creates Zendesk Support tickets through the Support REST API
// (https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/): POST
// /api/v2/tickets with basic authentication "{email}/token:{api_token}", the transcript
// as a private comment, the visitor as requester, tags, the handoff id as external_id
// and as the Idempotency-Key header.
package zendesk

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/helpdesk"
)

// name is how errors name the helpdesk.
const name = "Zendesk"

// Client talks to Zendesk Support. Its zero value is not usable: use New.
type Client struct {
	http *http.Client
}

// New returns a Client whose calls time out after timeout.
func New(timeout time.Duration) *Client {
	return &Client{http: &http.Client{Timeout: timeout}}
}

// baseURL is https://{subdomain}.zendesk.com unless the integration overrides it.
func baseURL(in domain.Integration) string {
	return helpdesk.BaseURL(in, "https://"+in.Credentials.Subdomain+".zendesk.com")
}

// request builds an authenticated JSON request.
func request(ctx context.Context, in domain.Integration, method, path string, body any) (*http.Request, error) {
	return helpdesk.NewRequest(ctx, method, baseURL(in)+path, in.Credentials.Email+"/token", in.Credentials.APIToken, body)
}

// TicketRequest is the body of POST /api/v2/tickets.
type TicketRequest struct {
	// Ticket is the ticket to create.
	Ticket NewTicket `json:"ticket"`
}

// NewTicket is a ticket to create.
type NewTicket struct {
	// Subject is the subject line.
	Subject string `json:"subject"`
	// Comment is the first comment: the transcript.
	Comment Comment `json:"comment"`
	// Requester is the visitor.
	Requester Requester `json:"requester"`
	// Tags label the ticket.
	Tags []string `json:"tags"`
	// ExternalID is Tandem's handoff id.
	ExternalID string `json:"external_id"`
}

// Comment is a ticket comment.
type Comment struct {
	// Body is the plain text.
	Body string `json:"body"`
	// Public is false: the transcript is an internal note for agents.
	Public bool `json:"public"`
}

// Requester is the end user a ticket is for; Zendesk finds or creates them by email.
type Requester struct {
	// Name is the display name.
	Name string `json:"name"`
	// Email is the address.
	Email string `json:"email"`
}

// ticketAnswer is the part of a ticket answer Tandem reads.
type ticketAnswer struct {
	Ticket struct {
		ID int64 `json:"id"`
	} `json:"ticket"`
}

// CreateTicket creates the ticket; the handoff id is the Idempotency-Key, so a retry
// within Zendesk's key lifetime returns the first ticket.
func (c *Client) CreateTicket(ctx context.Context, in domain.Integration, t helpdesk.Ticket) (string, error) {
	requester := Requester{Name: t.RequesterName, Email: t.RequesterEmail}
	if requester.Name == "" {
		requester.Name = t.RequesterEmail
	}
	req, err := request(ctx, in, http.MethodPost, "/api/v2/tickets", TicketRequest{Ticket: NewTicket{
		Subject: t.Subject, Comment: Comment{Body: t.Body, Public: false}, Requester: requester,
		Tags: t.Tags, ExternalID: t.ExternalID,
	}})
	if err != nil {
		return "", err
	}
	req.Header.Set("Idempotency-Key", t.ExternalID)
	body, err := helpdesk.Do(c.http, name, req)
	if err != nil {
		return "", err
	}
	var a ticketAnswer
	if err := helpdesk.Decode(name, body, &a); err != nil {
		return "", err
	}
	if a.Ticket.ID == 0 {
		return "", &helpdesk.Error{Helpdesk: name, Status: http.StatusOK, Detail: "the answer has no ticket id"}
	}
	return strconv.FormatInt(a.Ticket.ID, 10), nil
}

// FindTicket looks the ticket up by external id (GET /api/v2/tickets?external_id=).
func (c *Client) FindTicket(ctx context.Context, in domain.Integration, externalID string) (string, error) {
	req, err := request(ctx, in, http.MethodGet, "/api/v2/tickets?external_id="+url.QueryEscape(externalID), nil)
	if err != nil {
		return "", err
	}
	body, err := helpdesk.Do(c.http, name, req)
	if err != nil {
		return "", err
	}
	var a struct {
		Tickets []struct {
			ID int64 `json:"id"`
		} `json:"tickets"`
	}
	if err := helpdesk.Decode(name, body, &a); err != nil {
		return "", err
	}
	if len(a.Tickets) == 0 {
		return "", nil
	}
	return strconv.FormatInt(a.Tickets[0].ID, 10), nil
}

// Checker validates Zendesk credentials when an account connects the integration.
type Checker struct {
	// Client makes the call.
	Client *Client
}

// Check asks Zendesk who the credentials belong to (GET /api/v2/users/me). Returns
// EInvalid when Zendesk refuses them and EUnavailable when it cannot be reached.
func (ch Checker) Check(ctx context.Context, in domain.Integration) error {
	req, err := request(ctx, in, http.MethodGet, "/api/v2/users/me", nil)
	if err != nil {
		return domain.Errorf(domain.EInvalid, "the Zendesk subdomain %q does not make a valid address", in.Credentials.Subdomain)
	}
	return helpdesk.CheckCredentials(ch.Client.http, name, req, "subdomain, the agent email and the API token")
}
