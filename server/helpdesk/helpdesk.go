// Package helpdesk is what Tandem's partner helpdesk adapters (packages zendesk and
// gorgias) share: the ticket they create from a handoff, the transcript it carries, the
// Adapter interface the delivery job calls, and one reading of HTTP answers into errors
// that say whether and when to retry.
package helpdesk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/server/domain"
)

// Ticket is what a helpdesk receives for a handoff.
type Ticket struct {
	// ExternalID is Tandem's handoff id; helpdesks store it as the ticket's external id
	// and Tandem sends it as the idempotency key, so a retry never makes a second ticket.
	ExternalID string
	// Subject is the ticket's subject line.
	Subject string
	// Body is the full timestamped transcript with the handoff's trigger.
	Body string
	// RequesterName is the visitor's name (may be empty).
	RequesterName string
	// RequesterEmail is the visitor's email address for follow-up.
	RequesterEmail string
	// Channel is the conversation's channel.
	Channel domain.Channel
	// Tags label the ticket ("tandem", the reason, the skill).
	Tags []string
}

// Adapter creates tickets in one helpdesk.
type Adapter interface {
	// FindTicket returns the id of the helpdesk's ticket with the external id, or ""
	// when there is none.
	FindTicket(ctx context.Context, in domain.Integration, externalID string) (string, error)
	// CreateTicket creates the ticket and returns the helpdesk's id for it.
	CreateTicket(ctx context.Context, in domain.Integration, t Ticket) (string, error)
}

// NewTicket returns the ticket of handoff h, whose conversation's transcript is msgs.
func NewTicket(h domain.Handoff, msgs []domain.Message) Ticket {
	subject := "Chat handoff: " + oneLine(h.TriggerQuestion, 80)
	if h.TriggerQuestion == "" {
		subject = "Chat handoff from " + string(h.Channel)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Handed off by Tandem's AI agent (%s).\n", strings.ReplaceAll(string(h.Reason), "_", " "))
	if h.TriggerQuestion != "" {
		fmt.Fprintf(&b, "Question: %s\n", h.TriggerQuestion)
	}
	if h.Skill != "" {
		fmt.Fprintf(&b, "Skill: %s\n", h.Skill)
	}
	if h.ProfileID != "" {
		fmt.Fprintf(&b, "Customer profile: %s\n", h.ProfileID)
	}
	fmt.Fprintf(&b, "Email: %s\nConversation: %s\n\nTranscript (UTC):\n", h.Email, h.ConversationID)
	b.WriteString(Transcript(msgs))
	tags := []string{"tandem", "tandem_" + string(h.Reason)}
	if h.Skill != "" {
		tags = append(tags, "tandem_"+string(h.Skill))
	}
	return Ticket{
		ExternalID: h.ID, Subject: subject, Body: b.String(), RequesterName: h.VisitorName,
		RequesterEmail: h.Email, Channel: h.Channel, Tags: tags,
	}
}

// Transcript renders messages one a line: "[2006-01-02 15:04:05] Visitor: text".
func Transcript(msgs []domain.Message) string {
	var b strings.Builder
	for _, m := range msgs {
		who := map[domain.Author]string{
			domain.AuthorVisitor: "Visitor", domain.AuthorAIAgent: "AI agent",
			domain.AuthorHumanAgent: "Agent", domain.AuthorSystem: "System",
		}[m.Author]
		if m.AuthorName != "" {
			who += " (" + m.AuthorName + ")"
		}
		fmt.Fprintf(&b, "[%s] %s: %s\n", m.CreatedAt.UTC().Format(time.DateTime), who, m.Text)
	}
	return b.String()
}

func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}

// Error is a helpdesk's refusal or failure.
type Error struct {
	// Helpdesk names the helpdesk ("Zendesk").
	Helpdesk string
	// Status is the HTTP status (0 when no answer came).
	Status int
	// RetryAfter is how long the helpdesk asked to wait (429 or 503 with Retry-After).
	RetryAfter time.Duration
	// Detail is the helpdesk's answer or the transport error.
	Detail string
}

// Error implements error.
func (e *Error) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("%s unreachable: %s", e.Helpdesk, e.Detail)
	}
	return fmt.Sprintf("%s answered %d: %s", e.Helpdesk, e.Status, e.Detail)
}

// RetryAfter returns how long err asks to wait before retrying, or 0.
func RetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// Rejected reports whether err is the helpdesk refusing the credentials.
func Rejected(err error) bool {
	var e *Error
	return errors.As(err, &e) && (e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden)
}

// Do sends req with client and returns the body of a 2xx answer; any other outcome is
// an *Error of helpdesk, with the Retry-After of a 429 or 503.
func Do(client *http.Client, helpdesk string, req *http.Request) ([]byte, error) {
	res, err := client.Do(req)
	if err != nil {
		return nil, &Error{Helpdesk: helpdesk, Detail: err.Error()}
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return nil, &Error{Helpdesk: helpdesk, Status: res.StatusCode, Detail: "reading the answer: " + err.Error()}
	}
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		return body, nil
	}
	e := &Error{Helpdesk: helpdesk, Status: res.StatusCode, Detail: oneLine(string(body), 300)}
	if res.StatusCode == http.StatusTooManyRequests || res.StatusCode == http.StatusServiceUnavailable {
		e.RetryAfter = parseRetryAfter(res.Header.Get("Retry-After"), time.Now())
	}
	return nil, e
}

// parseRetryAfter reads Retry-After as seconds or an HTTP date; unreadable or absent
// values mean one second.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return max(time.Duration(s)*time.Second, time.Second)
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), time.Second)
	}
	return time.Second
}

// BaseURL returns the integration's API base URL override, else def, without a
// trailing slash.
func BaseURL(in domain.Integration, def string) string {
	if in.APIBaseURL != "" {
		return strings.TrimRight(in.APIBaseURL, "/")
	}
	return def
}

// NewRequest returns a request with basic authentication user:password, accepting
// JSON and sending body as JSON (none when nil).
func NewRequest(ctx context.Context, method, url, user, password string, body any) (*http.Request, error) {
	var r io.Reader = http.NoBody
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return nil, err
	}
	req.SetBasicAuth(user, password)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// CheckCredentials sends req, a read that needs valid credentials, to validate them
// when an account connects a helpdesk. Returns EInvalid naming fields when the helpdesk
// refuses them and EUnavailable when it cannot be reached or fails.
func CheckCredentials(client *http.Client, helpdesk string, req *http.Request, fields string) error {
	_, err := Do(client, helpdesk, req)
	switch {
	case err == nil:
		return nil
	case Rejected(err):
		return domain.Errorf(domain.EInvalid, "%s refused the credentials: check the %s", helpdesk, fields)
	default:
		return domain.Errorf(domain.EUnavailable, "could not check the %s credentials: %v", helpdesk, err)
	}
}

// Decode reads a 2xx answer's JSON into v; an unreadable answer is an *Error.
func Decode(helpdesk string, body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return &Error{Helpdesk: helpdesk, Status: http.StatusOK, Detail: fmt.Sprintf("unreadable answer: %.200s", body)}
	}
	return nil
}
