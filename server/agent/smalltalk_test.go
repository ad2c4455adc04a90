package agent

import (
	"strings"
	"testing"

	"github.com/tandemhq/tandem/server/domain"
)

func TestSmallTalkIsAnsweredWithoutAskingToRephrase(t *testing.T) {
	for text, want := range map[string]string{
		"Hi there!":         greetingReply,
		"hello":             greetingReply,
		"Good morning":      greetingReply,
		"thanks so much :)": thanksReply,
		"Thank you!":        thanksReply,
		"bye":               goodbyeReply,
	} {
		if got, ok := smallTalk(text); !ok || got != want {
			t.Errorf("smallTalk(%q) = %q, %v; want %q", text, got, ok, want)
		}
	}
	for _, text := range []string{"hi, where is my order?", "thanks, can I return it?", "good", "xyzzy"} {
		if got, ok := smallTalk(text); ok {
			t.Errorf("smallTalk(%q) = %q: a question is not small talk", text, got)
		}
	}
}

func TestGreetingGetsAWelcomeNotARephraseRequest(t *testing.T) {
	c := newSetup(t).chat(t, domain.ChannelWebchat, anonymous)
	reply := c.send("Hi there!")
	if reply.Outcome != domain.TurnAnswered || len(reply.Messages) != 1 ||
		!strings.HasPrefix(reply.Messages[0].Text, "Hi! How can I help") || reply.Handoff != nil {
		t.Fatalf("reply to a greeting = %+v", reply)
	}
	// A greeting does not use up the one rephrase request before a handoff.
	if r := c.send("zxcv bnm"); r.Outcome != domain.TurnRephraseRequested {
		t.Fatalf("after a greeting, gibberish gave %v, want a rephrase request", r.Outcome)
	}
}
