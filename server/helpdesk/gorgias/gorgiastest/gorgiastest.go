// Package gorgiastest runs a fake Gorgias REST API for tests: POST /api/tickets,
// GET /api/tickets?external_id= and GET /api/account, checking method, path, basic
// authentication "{username}:{api_key}", the ticket's JSON shape (customer, channel,
// via, messages with from_agent and sender), and Gorgias's limit of 40 requests per
// 20 seconds per key (429 with Retry-After beyond it), with the failure injection of
// helpdesktest.
package gorgiastest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/helpdesk/gorgias"
	"github.com/tandemhq/tandem/server/helpdesk/helpdesktest"
)

// The credentials the fake accepts.
const (
	Domain   = "tandemtest"
	Username = "agent@brand.example"
	APIKey   = "gorgias-test-key-0123456789"
)

// Server is a running fake Gorgias.
type Server struct {
	*helpdesktest.Fake
	// URL is the API's base URL (the integration's APIBaseURL).
	URL string

	mu          sync.Mutex
	calls       []time.Time
	rateLimited int
}

// New starts a fake Gorgias, closed at c\'s cleanup (c is usually the test).
func New(c helpdesktest.Cleaner) *Server {
	s := &Server{Fake: helpdesktest.NewFake()}
	s.URL = s.Serve(c, s.serve)
	return s
}

// Integration returns a connected Gorgias integration of account accountID pointing at
// the fake.
func (s *Server) Integration(accountID string) domain.Integration {
	return domain.Integration{
		AccountID: accountID, Provider: domain.ProviderGorgias, Connected: true, DisplayName: Domain + ".gorgias.com",
		APIBaseURL: s.URL, Credentials: domain.Credentials{Domain: Domain, Username: Username, APIKey: APIKey},
	}
}

// RateLimited returns how many calls exceeded 40 requests per 20 seconds.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rateLimited
}

// allow counts a call against the window, reporting whether it fits.
func (s *Server) allow(now time.Time) (bool, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.calls) > 0 && now.Sub(s.calls[0]) >= gorgias.RateWindow {
		s.calls = s.calls[1:]
	}
	if len(s.calls) >= gorgias.RateLimit {
		s.rateLimited++
		return false, s.calls[0].Add(gorgias.RateWindow).Sub(now)
	}
	s.calls = append(s.calls, now)
	return true, 0
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if !helpdesktest.CheckBasicAuth(w, r, Username, APIKey) {
		return
	}
	if ok, wait := s.allow(time.Now()); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		http.Error(w, `{"error":"Too many requests"}`, http.StatusTooManyRequests)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.URL.Path == "/api/tickets" && r.Method == http.MethodPost:
		s.create(w, r)
	case r.URL.Path == "/api/tickets" && r.Method == http.MethodGet:
		out := []map[string]any{}
		for _, t := range s.Find(r.URL.Query().Get("external_id")) {
			out = append(out, map[string]any{"id": t.ID, "external_id": t.ExternalID, "subject": t.Subject})
		}
		json.NewEncoder(w).Encode(map[string]any{"data": out, "meta": map[string]any{"next_cursor": nil}})
	case r.URL.Path == "/api/account" && r.Method == http.MethodGet:
		fmt.Fprintf(w, `{"domain":%q,"status":{"status":"active"}}`, Domain)
	default:
		s.Problem("%s %s is not an endpoint Tandem should call", r.Method, r.URL.Path)
		http.Error(w, `{"error":"Not found"}`, http.StatusNotFound)
	}
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	var t gorgias.TicketRequest
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		s.Problem("ticket body: %v", err)
		http.Error(w, `{"error":"Invalid data"}`, http.StatusBadRequest)
		return
	}
	switch {
	case t.Channel != "chat" && t.Channel != "email":
		s.Problem("ticket channel %q", t.Channel)
	case t.Via != "api" || t.FromAgent:
		s.Problem("ticket via %q from_agent %v; want via api from the customer", t.Via, t.FromAgent)
	case !strings.Contains(t.Customer.Email, "@") || t.ExternalID == "":
		s.Problem("ticket without customer email or external_id")
	case len(t.Messages) == 0:
		s.Problem("ticket without messages (Gorgias requires one)")
	default:
		m := t.Messages[0]
		if m.BodyText == "" || m.FromAgent || m.Sender.Email != t.Customer.Email || m.Channel != t.Channel || m.Via != "api" {
			s.Problem("first message %+v does not come from the customer on the ticket's channel", m)
		}
	}
	body := ""
	if len(t.Messages) > 0 {
		body = t.Messages[0].BodyText
	}
	tags := make([]string, len(t.Tags))
	for i, tag := range t.Tags {
		tags[i] = tag.Name
	}
	stored, _ := s.Create(helpdesktest.Ticket{ExternalID: t.ExternalID, Subject: t.Subject, Body: body, Email: t.Customer.Email, Tags: tags}, "")
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]any{"id": stored.ID, "external_id": stored.ExternalID, "status": "open", "channel": t.Channel})
}
