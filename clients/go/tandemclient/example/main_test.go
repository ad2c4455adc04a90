package main

import (
	"strings"
	"testing"

	"github.com/tandemhq/tandem/server/app"
	"github.com/tandemhq/tandem/server/app/apptest"
)

func TestExampleHoldsAConversation(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{})
	var out strings.Builder
	err := run(t.Context(), &out, options{addr: env.Server.URL, siteKey: env.Account.Account.SiteKey, messages: []string{"Hi there!", "Where is my order?"}})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{"Hello from Test Outfitters", "You        Hi there!", "You        Where is my order?", "Assistant", "status: CLOSED"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Index(got, "Hi there!") > strings.Index(got, "Where is my order?") {
		t.Errorf("messages out of order:\n%s", got)
	}
}
