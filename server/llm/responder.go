package llm

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/server/domain"
)

// PhraseInput is what the Responder phrases an answer from: everything the skill knows.
type PhraseInput struct {
	// Skill is the skill answering.
	Skill domain.SkillID
	// Channel is where the answer goes; it sets the length limit.
	Channel domain.Channel
	// History is the conversation before the question, oldest first.
	History []domain.Message
	// Question is the visitor's message being answered.
	Question string
	// Draft is the skill's offline answer, from its template; it is the fallback.
	Draft string
	// Facts are what the skill's tools returned (order, coupon, passage …), the only
	// source of prices, dates, numbers, codes and links the answer may use.
	Facts map[string]any
}

// Responder phrases a skill's answer with the LLM from the skill's facts only. Whatever
// goes wrong (the endpoint fails, the answer is empty, too long for the channel, or
// mentions a number, code or link that is not in the facts) it returns the skill's
// offline draft.
type Responder struct {
	client  *Client
	timeout time.Duration
	logger  *slog.Logger
}

// DefaultPhraseTimeout bounds one phrasing call, retries included.
const DefaultPhraseTimeout = 8 * time.Second

// NewResponder returns a responder over the client; timeout bounds each call (0 means
// DefaultPhraseTimeout). It logs each fallback to the draft on logger.
func NewResponder(c *Client, timeout time.Duration, logger *slog.Logger) *Responder {
	if timeout <= 0 {
		timeout = DefaultPhraseTimeout
	}
	return &Responder{client: c, timeout: timeout, logger: logger}
}

// channelLimits are the longest answers per channel, in characters; SMS is kept to two
// segments.
var channelLimits = map[domain.Channel]int{
	domain.ChannelSMS:      300,
	domain.ChannelWhatsApp: 700,
	domain.ChannelWebchat:  600,
	domain.ChannelEmail:    1500,
}

// channelLimit returns the channel's limit, the web chat's for an unknown channel.
func channelLimit(ch domain.Channel) int {
	if n, ok := channelLimits[ch]; ok {
		return n
	}
	return channelLimits[domain.ChannelWebchat]
}

// Phrase returns the answer to send and whether the LLM phrased it; false means it is
// the draft, and the reason was logged.
func (r *Responder) Phrase(ctx context.Context, in PhraseInput) (text string, phrased bool) {
	reply, err := r.phrase(ctx, in)
	if err != nil {
		r.logger.WarnContext(ctx, "LLM phrasing failed; sending the skill's own answer",
			"skill", in.Skill, "channel", in.Channel, "error", err)
		return in.Draft, false
	}
	return reply, true
}

func (r *Responder) phrase(ctx context.Context, in PhraseInput) (string, error) {
	facts, err := json.Marshal(in.Facts)
	if err != nil {
		return "", fmt.Errorf("encoding the facts: %w", err)
	}
	limit := channelLimit(in.Channel)
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	prompt := fmt.Sprintf("Skill: %s\nChannel: %s\nShopper's question: %s\nDraft answer: %s\nFacts (JSON): %s",
		in.Skill, in.Channel, in.Question, in.Draft, facts)
	res, err := r.client.Complete(ctx, Request{
		Messages: append(append([]Message{{Role: RoleSystem, Content: responderPrompt(in.Channel, limit)}},
			chatHistory(in.History)...), Message{Role: RoleUser, Content: prompt}),
		// A token is about four characters; the margin lets the length check decide.
		MaxTokens: limit/3 + 50,
	})
	if err != nil {
		return "", err
	}
	if res.FinishReason != "" && res.FinishReason != "stop" {
		return "", fmt.Errorf("the LLM stopped with %q", res.FinishReason)
	}
	reply := strings.TrimSpace(res.Content)
	switch {
	case reply == "":
		return "", fmt.Errorf("the LLM answered nothing")
	case len([]rune(reply)) > limit:
		return "", fmt.Errorf("the LLM's answer has %d characters, the %s limit is %d", len([]rune(reply)), in.Channel, limit)
	}
	if unknown := unsupported(reply, string(facts)+"\n"+in.Draft); len(unknown) > 0 {
		return "", fmt.Errorf("the LLM's answer mentions %q, which the facts do not", unknown)
	}
	return reply, nil
}

// responderPrompt is the responder's system prompt for a channel.
func responderPrompt(ch domain.Channel, limit int) string {
	style := "a chat message: friendly, plain sentences, no headings"
	switch ch {
	case domain.ChannelSMS:
		style = "a text message: one or two short sentences, no markdown, no emoji"
	case domain.ChannelWhatsApp:
		style = "a WhatsApp message: short paragraphs, no markdown headings"
	case domain.ChannelEmail:
		style = "an email body: a greeting line, short paragraphs, no subject line"
	}
	return fmt.Sprintf("You write the reply an online store's customer-service assistant sends to a shopper. "+
		"You get the shopper's question, a draft answer and the facts the store's systems returned (JSON). "+
		"Rewrite the draft so it answers the question naturally, in the shopper's language, using ONLY the facts and the draft. "+
		"Never add a price, amount, date, order number, tracking number, discount code, link, policy or promise that is not in them; "+
		"if they do not answer the question, say so plainly as the draft does. Do not ask for passwords or payment details. "+
		"Write %s of at most %d characters. Reply with the message text only.", style, limit)
}

var (
	// urlPattern finds links.
	urlPattern = regexp.MustCompile(`https?://[^\s<>()"']+`)
	// numberPattern finds numbers: amounts, order numbers, quantities, dates' parts.
	numberPattern = regexp.MustCompile(`\d[\d,]*(?:\.\d+)?`)
	// ordinalPattern finds ordinals ("14th"), which are numbers, not codes.
	ordinalPattern = regexp.MustCompile(`(?i)\b(\d+)(?:st|nd|rd|th)\b`)
	// codePattern finds words that may be codes: letters mixed with digits (SUMMER20,
	// 1Z999AA1) or capitals only (WELCOME).
	codePattern = regexp.MustCompile(`\b(?:[A-Za-z0-9-]*[A-Za-z][A-Za-z0-9-]*\d[A-Za-z0-9-]*|[A-Za-z0-9-]*\d[A-Za-z0-9-]*[A-Za-z][A-Za-z0-9-]*|[A-Z]{4,})\b`)
)

// unsupported returns the links, numbers and code-like words of reply that source does
// not contain: the guard against an answer that invents them.
func unsupported(reply, source string) []string {
	var out []string
	lowerSource := strings.ToLower(source)
	for _, u := range urlPattern.FindAllString(reply, -1) {
		u = strings.TrimRight(u, ".,;:!?")
		if !strings.Contains(source, u) {
			out = append(out, u)
		}
	}
	rest := ordinalPattern.ReplaceAllString(urlPattern.ReplaceAllString(reply, " "), "$1")
	for _, c := range codePattern.FindAllString(rest, -1) {
		if !strings.Contains(lowerSource, strings.ToLower(c)) {
			out = append(out, c)
		}
	}
	known := map[float64]bool{}
	for _, n := range numberPattern.FindAllString(source, -1) {
		if v, ok := numberValue(n); ok {
			known[v] = true
		}
	}
	for _, n := range numberPattern.FindAllString(codePattern.ReplaceAllString(rest, " "), -1) {
		if v, ok := numberValue(n); ok && !known[v] {
			out = append(out, n)
		}
	}
	return out
}

// numberValue reads a number as written ("1,049.50", "12", "07"), so the same amount
// written two ways ("49.5" in the facts, "$49.50" in the answer) matches.
func numberValue(s string) (float64, bool) {
	s = strings.TrimRight(strings.ReplaceAll(s, ",", ""), ".")
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}
