// Package gorgias creates Gorgias tickets through the REST API
// (https://developers.gorgias.com/reference/create-ticket): POST /api/tickets with basic
// authentication "{username}:{api_key}", the visitor as customer, the transcript as the
// first (incoming) message, channel "chat" or "email", via "api", and the handoff id
// as external_id. Calls stay under Gorgias's limit of 40 requests per 20 seconds per
// API key.
package gorgias

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/helpdesk"
)

// name is how errors name the helpdesk.
const name = "Gorgias"

// The documented limit for API-key authentication.
const (
	// RateLimit is how many calls one API key may make per RateWindow.
	RateLimit = 40
	// RateWindow is the window of RateLimit.
	RateWindow = 20 * time.Second
	// maxWait is the longest a call waits for room under the limit; beyond it the call
	// fails with a RetryAfter so the job is snoozed rather than holding a worker.
	maxWait = 2 * time.Second
)

// Client talks to Gorgias. Its zero value is not usable: use New.
type Client struct {
	http *http.Client

	mu      sync.Mutex
	windows map[string][]time.Time // API key -> times of its calls in the last RateWindow
}

// New returns a Client whose calls time out after timeout.
func New(timeout time.Duration) *Client {
	return &Client{http: &http.Client{Timeout: timeout}, windows: map[string][]time.Time{}}
}

// baseURL is https://{domain}.gorgias.com unless the integration overrides it; a
// domain with a dot is taken as the full host.
func baseURL(in domain.Integration) string {
	host := in.Credentials.Domain
	if !strings.Contains(host, ".") {
		host += ".gorgias.com"
	}
	return helpdesk.BaseURL(in, "https://"+host)
}

// do sends an authenticated call once the key's rate window has room.
func (c *Client) do(ctx context.Context, in domain.Integration, method, path string, body any) ([]byte, error) {
	if err := c.reserve(ctx, in.Credentials.Username+":"+in.Credentials.APIKey, time.Now()); err != nil {
		return nil, err
	}
	req, err := helpdesk.NewRequest(ctx, method, baseURL(in)+path, in.Credentials.Username, in.Credentials.APIKey, body)
	if err != nil {
		return nil, err
	}
	return helpdesk.Do(c.http, name, req)
}

// reserve takes a slot of key's window, waiting up to maxWait for one; a longer wait
// is an *helpdesk.Error with its RetryAfter.
func (c *Client) reserve(ctx context.Context, key string, now time.Time) error {
	for {
		c.mu.Lock()
		calls := c.windows[key]
		for len(calls) > 0 && now.Sub(calls[0]) >= RateWindow {
			calls = calls[1:]
		}
		if len(calls) < RateLimit {
			c.windows[key] = append(calls, now)
			c.mu.Unlock()
			return nil
		}
		c.windows[key] = calls
		wait := calls[0].Add(RateWindow).Sub(now)
		c.mu.Unlock()
		if wait > maxWait {
			return &helpdesk.Error{Helpdesk: name, Status: http.StatusTooManyRequests, RetryAfter: wait,
				Detail: "holding back to stay under 40 requests per 20 seconds for this API key"}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		now = time.Now()
	}
}

// TicketRequest is the body of POST /api/tickets.
type TicketRequest struct {
	// Customer is the visitor; Gorgias finds or creates them by email.
	Customer Customer `json:"customer"`
	// Channel is "chat" or "email".
	Channel string `json:"channel"`
	// Via is "api".
	Via string `json:"via"`
	// FromAgent is false: the customer started the conversation.
	FromAgent bool `json:"from_agent"`
	// Subject is the subject line.
	Subject string `json:"subject"`
	// ExternalID is Tandem's handoff id.
	ExternalID string `json:"external_id"`
	// Tags label the ticket.
	Tags []Tag `json:"tags"`
	// Messages are the ticket's messages: the transcript.
	Messages []Message `json:"messages"`
}

// Customer is a Gorgias customer.
type Customer struct {
	// Email is the address.
	Email string `json:"email"`
	// Name is the display name.
	Name string `json:"name,omitempty"`
}

// Tag is a ticket tag.
type Tag struct {
	// Name is the tag.
	Name string `json:"name"`
}

// Message is a ticket message.
type Message struct {
	// Channel is the ticket's channel.
	Channel string `json:"channel"`
	// Via is "api".
	Via string `json:"via"`
	// FromAgent is false: an incoming message from the customer.
	FromAgent bool `json:"from_agent"`
	// Sender is the customer.
	Sender Customer `json:"sender"`
	// Subject is the subject line.
	Subject string `json:"subject"`
	// BodyText is the plain text.
	BodyText string `json:"body_text"`
}

// ticket is the part of a ticket answer Tandem reads.
type ticket struct {
	ID int64 `json:"id"`
}

// channel is the Gorgias channel of a conversation's channel.
func channel(c domain.Channel) string {
	if c == domain.ChannelEmail {
		return "email"
	}
	return "chat"
}

// CreateTicket creates the ticket with the transcript as its first message.
func (c *Client) CreateTicket(ctx context.Context, in domain.Integration, t helpdesk.Ticket) (string, error) {
	customer := Customer{Email: t.RequesterEmail, Name: t.RequesterName}
	ch := channel(t.Channel)
	tags := make([]Tag, len(t.Tags))
	for i, tag := range t.Tags {
		tags[i] = Tag{Name: tag}
	}
	body, err := c.do(ctx, in, http.MethodPost, "/api/tickets", TicketRequest{
		Customer: customer, Channel: ch, Via: "api", FromAgent: false, Subject: t.Subject,
		ExternalID: t.ExternalID, Tags: tags,
		Messages: []Message{{Channel: ch, Via: "api", FromAgent: false, Sender: customer, Subject: t.Subject, BodyText: t.Body}},
	})
	if err != nil {
		return "", err
	}
	var a ticket
	if err := helpdesk.Decode(name, body, &a); err != nil {
		return "", err
	}
	if a.ID == 0 {
		return "", &helpdesk.Error{Helpdesk: name, Status: http.StatusOK, Detail: "the answer has no ticket id"}
	}
	return strconv.FormatInt(a.ID, 10), nil
}

// FindTicket looks the ticket up by external id (GET /api/tickets?external_id=).
func (c *Client) FindTicket(ctx context.Context, in domain.Integration, externalID string) (string, error) {
	body, err := c.do(ctx, in, http.MethodGet, "/api/tickets?limit=1&external_id="+url.QueryEscape(externalID), nil)
	if err != nil {
		return "", err
	}
	var a struct {
		Data []ticket `json:"data"`
	}
	if err := helpdesk.Decode(name, body, &a); err != nil {
		return "", err
	}
	if len(a.Data) == 0 {
		return "", nil
	}
	return strconv.FormatInt(a.Data[0].ID, 10), nil
}

// Checker validates Gorgias credentials when an account connects the integration.
type Checker struct {
	// Client makes the call.
	Client *Client
}

// Check reads the account the credentials open (GET /api/account). Returns EInvalid
// when Gorgias refuses them and EUnavailable when it cannot be reached.
func (ch Checker) Check(ctx context.Context, in domain.Integration) error {
	if err := ch.Client.reserve(ctx, in.Credentials.Username+":"+in.Credentials.APIKey, time.Now()); err != nil {
		return domain.Errorf(domain.EUnavailable, "Gorgias's rate limit for this key is reached: retry in a minute")
	}
	req, err := helpdesk.NewRequest(ctx, http.MethodGet, baseURL(in)+"/api/account", in.Credentials.Username, in.Credentials.APIKey, nil)
	if err != nil {
		return domain.Errorf(domain.EInvalid, "the Gorgias domain %q does not make a valid address", in.Credentials.Domain)
	}
	return helpdesk.CheckCredentials(ch.Client.http, name, req, "domain, the username and the API key")
}
