package agent

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/llm"
	"github.com/tandemhq/tandem/server/llm/llmtest"
)

// withResponder gives the agent an LLM responder over a fake endpoint.
func withResponder(t *testing.T) (*llmtest.Server, func(*Options)) {
	t.Helper()
	fake := llmtest.New(t, "sk-test", "test-model")
	c, err := llm.New(llm.Config{URL: fake.BaseURL, APIKey: "sk-test", Model: "test-model"})
	if err != nil {
		t.Fatal(err)
	}
	r := llm.NewResponder(c, 0, slog.New(slog.DiscardHandler))
	return fake, func(o *Options) { o.Phraser = r }
}

func TestPhraserRewordsTheAnswerFromTheSkillsFacts(t *testing.T) {
	fake, opt := withResponder(t)
	s := newSetup(t, opt)
	phrased := "Good news, your order #1042 is on its way with UPS and should be with you on Thursday, March 12 " +
		"(tracking number 1Z999AA10123456784)."
	fake.Script(llmtest.TextReply(phrased))
	r := s.chat(t, domain.ChannelWebchat, avaLoggedIn).send("where is my order #1042?")
	if r.Messages[0].Text != phrased {
		t.Errorf("text %q, want the phrased answer", r.Messages[0].Text)
	}
	if cs := cards(r); len(cs) != 1 || cs[0].Type != domain.CardOrder || actionURL(cs[0], "Track order") != upsTracking {
		t.Errorf("cards %+v, want the skill's own ORDER card", cs)
	}
	prompt := *fake.Requests()[0].Messages[len(fake.Requests()[0].Messages)-1].Content
	for _, fact := range []string{"1Z999AA10123456784", upsTracking, "Order #1042 shipped with UPS"} {
		if !strings.Contains(prompt, fact) {
			t.Errorf("the prompt lacks %q:\n%s", fact, prompt)
		}
	}

	// An answer inventing an amount is refused: the skill's draft goes out.
	fake.Script(llmtest.TextReply("Your order #1042 arrives Thursday, March 12, and you get $50 off your next order!"))
	r = s.chat(t, domain.ChannelSMS, avaLoggedIn).send("where is my order #1042?")
	mustContain(t, text(r), "Order #1042 shipped with UPS", "https://northwind.example/account/orders/1042")
	mustNotContain(t, text(r), "$50")
}

func TestPhraserIsNotAskedWhenTheSkillHandsOff(t *testing.T) {
	fake, opt := withResponder(t)
	s := newSetup(t, opt)
	r := s.chat(t, domain.ChannelWebchat, avaLoggedIn).send("what is your policy on bringing pets into your stores?")
	if r.Handoff == nil || fake.Calls() != 0 {
		t.Errorf("handoff %+v after %d LLM calls, want a handoff without phrasing", r.Handoff, fake.Calls())
	}
}
