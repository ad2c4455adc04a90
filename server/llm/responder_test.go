package llm_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/llm"
	"github.com/tandemhq/tandem/server/llm/llmtest"
)

// orderQuestion is an order-tracking answer's input: the draft and the facts it came from.
func orderQuestion(ch domain.Channel) llm.PhraseInput {
	return llm.PhraseInput{
		Skill:    domain.SkillOrderTracking,
		Channel:  ch,
		History:  []domain.Message{{Author: domain.AuthorVisitor, Text: "hi"}, {Author: domain.AuthorAIAgent, Text: "Hi! How can I help?"}},
		Question: "where is my order 1042?",
		Draft:    "Order #1042 has shipped with UPS (tracking 1Z999AA10123456784) and should arrive on 2025-03-14.",
		Facts: map[string]any{
			"order": map[string]any{"number": "1042", "status": "shipped", "carrier": "UPS", "total": 129.5,
				"tracking_number": "1Z999AA10123456784", "tracking_url": "https://track.example/1Z999AA10123456784",
				"estimated_delivery": "2025-03-14"},
		},
	}
}

func TestResponderPhrasesFromFacts(t *testing.T) {
	fake, c := setup(t)
	var logs bytes.Buffer
	r := llm.NewResponder(c, 0, slog.New(slog.NewJSONHandler(&logs, nil)))
	answer := "Good news: your order #1042 is on its way with UPS and should arrive on March 14th. " +
		"It cost $129.50. Track it here: https://track.example/1Z999AA10123456784."
	fake.Script(llmtest.TextReply(answer))
	got, phrased := r.Phrase(context.Background(), orderQuestion(domain.ChannelWebchat))
	if !phrased || got != answer {
		t.Fatalf("Phrase = %q, %v; logs %s", got, phrased, logs.String())
	}
	req := fake.Requests()[0]
	if len(req.Tools) != 0 || len(req.ToolChoice) != 0 {
		t.Errorf("phrasing offers tools: %+v", req.Tools)
	}
	system, last := *req.Messages[0].Content, *req.Messages[len(req.Messages)-1].Content
	if !strings.Contains(system, "Never add a price") || !strings.Contains(system, "at most 600 characters") {
		t.Errorf("system prompt = %q", system)
	}
	for _, want := range []string{"order_tracking", "where is my order 1042?", "Order #1042 has shipped", `"tracking_number":"1Z999AA10123456784"`} {
		if !strings.Contains(last, want) {
			t.Errorf("the prompt lacks %q:\n%s", want, last)
		}
	}
	if len(req.Messages) != 4 {
		t.Errorf("%d messages, want system, the two history messages and the prompt", len(req.Messages))
	}
}

func TestResponderFallsBackToTheDraft(t *testing.T) {
	for name, tc := range map[string]struct {
		reply   llmtest.Reply
		channel domain.Channel
	}{
		"invented order number":  {reply: llmtest.TextReply("Your order #1043 shipped with UPS."), channel: domain.ChannelWebchat},
		"invented amount":        {reply: llmtest.TextReply("Your order shipped; you also get $15 store credit."), channel: domain.ChannelWebchat},
		"invented date":          {reply: llmtest.TextReply("It should arrive on March 12."), channel: domain.ChannelWebchat},
		"invented code":          {reply: llmtest.TextReply("Sorry for the wait! Use SORRY10 on your next order."), channel: domain.ChannelWebchat},
		"invented capitals code": {reply: llmtest.TextReply("Sorry for the wait! Use WELCOME on your next order."), channel: domain.ChannelWebchat},
		"invented link":          {reply: llmtest.TextReply("Track it at https://ups.example/track."), channel: domain.ChannelWebchat},
		"too long for SMS":       {reply: llmtest.TextReply(strings.Repeat("Your order is on its way with UPS. ", 12)), channel: domain.ChannelSMS},
		"empty answer":           {reply: llmtest.TextReply("  "), channel: domain.ChannelWebchat},
		"cut short":              {reply: llmtest.Reply{Content: "Your order is on its", FinishReason: "length"}, channel: domain.ChannelWebchat},
		"a function call":        {reply: llmtest.CallReply("route", `{}`), channel: domain.ChannelWebchat},
		"server error":           {reply: llmtest.Reply{Status: 400}, channel: domain.ChannelWebchat},
		"slow":                   {reply: llmtest.Reply{Delay: 2 * time.Second, Content: "Your order shipped."}, channel: domain.ChannelWebchat},
	} {
		t.Run(name, func(t *testing.T) {
			fake, c := setup(t)
			var logs bytes.Buffer
			r := llm.NewResponder(c, 300*time.Millisecond, slog.New(slog.NewJSONHandler(&logs, nil)))
			fake.Script(tc.reply)
			in := orderQuestion(tc.channel)
			got, phrased := r.Phrase(context.Background(), in)
			if phrased || got != in.Draft {
				t.Fatalf("Phrase = %q, %v; want the draft", got, phrased)
			}
			if n := strings.Count(logs.String(), "sending the skill's own answer"); n != 1 || strings.Contains(logs.String(), testKey) {
				t.Errorf("logs:\n%s", logs.String())
			}
			t.Log(strings.TrimSpace(logs.String()))
		})
	}
}

func TestResponderKeepsSMSShort(t *testing.T) {
	fake, c := setup(t)
	r := llm.NewResponder(c, 0, slog.New(slog.DiscardHandler))
	fake.Script(llmtest.TextReply("Order #1042 is with UPS, due 2025-03-14."))
	got, phrased := r.Phrase(context.Background(), orderQuestion(domain.ChannelSMS))
	if !phrased || got != "Order #1042 is with UPS, due 2025-03-14." {
		t.Fatalf("Phrase = %q, %v", got, phrased)
	}
	req := fake.Requests()[0]
	if system := *req.Messages[0].Content; !strings.Contains(system, "text message") || !strings.Contains(system, "at most 300 characters") {
		t.Errorf("SMS system prompt = %q", system)
	}
	if *req.MaxTokens > 200 {
		t.Errorf("max_tokens %d for an SMS", *req.MaxTokens)
	}
}
