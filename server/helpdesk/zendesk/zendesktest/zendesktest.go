// Package zendesktest runs a fake Zendesk Support API for tests: POST /api/v2/tickets,
// GET /api/v2/tickets?external_id= and GET /api/v2/users/me, checking method, path,
// basic authentication "{email}/token:{api_token}", JSON body shape and honouring the
// Idempotency-Key header as Zendesk does (x-idempotency-lookup: hit on a repeat), with
// the failure injection of helpdesktest.
package zendesktest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/helpdesk/helpdesktest"
	"github.com/tandemhq/tandem/server/helpdesk/zendesk"
)

// The credentials the fake accepts.
const (
	Subdomain = "tandemtest"
	Email     = "agent@brand.example"
	APIToken  = "zd-test-token-0123456789"
)

// Server is a running fake Zendesk.
type Server struct {
	*helpdesktest.Fake
	// URL is the API's base URL (the integration's APIBaseURL).
	URL string
}

// New starts a fake Zendesk, closed at c\'s cleanup (c is usually the test).
func New(c helpdesktest.Cleaner) *Server {
	s := &Server{Fake: helpdesktest.NewFake()}
	s.URL = s.Serve(c, s.serve)
	return s
}

// Integration returns a connected Zendesk integration of account accountID pointing at
// the fake.
func (s *Server) Integration(accountID string) domain.Integration {
	return domain.Integration{
		AccountID: accountID, Provider: domain.ProviderZendesk, Connected: true, DisplayName: Subdomain + ".zendesk.com",
		APIBaseURL: s.URL, Credentials: domain.Credentials{Subdomain: Subdomain, Email: Email, APIToken: APIToken},
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if !helpdesktest.CheckBasicAuth(w, r, Email+"/token", APIToken) {
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	switch {
	case r.URL.Path == "/api/v2/tickets" && r.Method == http.MethodPost:
		s.create(w, r)
	case r.URL.Path == "/api/v2/tickets" && r.Method == http.MethodGet:
		var out []map[string]any
		for _, t := range s.Find(r.URL.Query().Get("external_id")) {
			out = append(out, map[string]any{"id": t.ID, "external_id": t.ExternalID, "subject": t.Subject})
		}
		json.NewEncoder(w).Encode(map[string]any{"tickets": out, "count": len(out)})
	case r.URL.Path == "/api/v2/users/me" && r.Method == http.MethodGet:
		fmt.Fprintf(w, `{"user":{"id":1,"email":%q,"role":"agent"}}`, Email)
	default:
		s.Problem("%s %s is not an endpoint Tandem should call", r.Method, r.URL.Path)
		http.Error(w, `{"error":"InvalidEndpoint"}`, http.StatusNotFound)
	}
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		s.Problem("POST /api/v2/tickets with Content-Type %q", r.Header.Get("Content-Type"))
	}
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		s.Problem("POST /api/v2/tickets without an Idempotency-Key")
	}
	var body zendesk.TicketRequest
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		s.Problem("ticket body: %v", err)
		http.Error(w, `{"error":"RecordInvalid"}`, http.StatusUnprocessableEntity)
		return
	}
	t := body.Ticket
	switch {
	case t.Comment.Body == "" || t.Subject == "" || t.ExternalID == "":
		s.Problem("ticket without subject, comment body or external_id: %+v", t)
	case t.Requester.Email == "" || !strings.Contains(t.Requester.Email, "@"):
		s.Problem("ticket requester without an email: %+v", t.Requester)
	case t.Comment.Public:
		s.Problem("the transcript comment is public; it should be an internal note")
	case key != t.ExternalID:
		s.Problem("Idempotency-Key %q differs from external_id %q", key, t.ExternalID)
	}
	stored, hit := s.Create(helpdesktest.Ticket{ExternalID: t.ExternalID, Subject: t.Subject, Body: t.Comment.Body,
		Email: t.Requester.Email, Tags: t.Tags}, key)
	w.Header().Set("x-idempotency-lookup", map[bool]string{true: "hit", false: "miss"}[hit])
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]any{"ticket": map[string]any{
		"id": stored.ID, "external_id": stored.ExternalID, "subject": stored.Subject, "status": "new",
	}})
}
