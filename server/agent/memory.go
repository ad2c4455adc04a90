package agent

import (
	"regexp"
	"strings"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/router"
)

// memory is what the agent remembers of the conversation: the order and email address
// mentioned last, and the earlier questions, for follow-ups.
type memory struct {
	// orderNumber is the digits of the order mentioned last ("1042"), in the new message
	// or before it, by the visitor or in the agent's answers; empty if none.
	orderNumber string
	// email is the email address the visitor typed last; empty if none.
	email string
	// givesIdentity is set when the new message holds an email or an order number.
	givesIdentity bool
	history       []domain.Message
}

var (
	// orderRefPattern finds "#1042", "order 1042", "order number: 1042", "order no. 1042".
	orderRefPattern = regexp.MustCompile(`(?i)(?:#\s?|\border\s*(?:number|num|no\.?|nr\.?)?\s*[:#]?\s*)(\d{3,12})\b`)
	// bareNumberPattern finds a lone number in a short reply ("1042").
	bareNumberPattern = regexp.MustCompile(`\b(\d{3,12})\b`)
	emailPattern      = regexp.MustCompile(`(?i)\b[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}\b`)
)

// maxBareReplyWords is the longest message in which a lone number counts as an order
// number ("1042", "it's 1042 and ava@example.com").
const maxBareReplyWords = 6

// remember reads the turn for order numbers and email addresses, newest first.
func remember(t domain.Turn) memory {
	m := memory{history: t.History}
	m.orderNumber, m.email = visitorEntities(t.Message.Text)
	m.givesIdentity = m.orderNumber != "" || m.email != ""
	for i := len(t.History) - 1; i >= 0 && (m.orderNumber == "" || m.email == ""); i-- {
		msg := t.History[i]
		switch msg.Author {
		case domain.AuthorVisitor:
			n, e := visitorEntities(msg.Text)
			m.orderNumber = firstNonEmpty(m.orderNumber, n)
			m.email = firstNonEmpty(m.email, e)
		case domain.AuthorAIAgent:
			m.orderNumber = firstNonEmpty(m.orderNumber, answeredOrder(msg))
		}
	}
	return m
}

// firstNonEmpty keeps the value already found, else takes the new one.
func firstNonEmpty(have, next string) string {
	if have != "" {
		return have
	}
	return next
}

// visitorEntities finds the last order number and email address a visitor wrote.
func visitorEntities(text string) (order, email string) {
	if es := emailPattern.FindAllString(text, -1); len(es) > 0 {
		email = es[len(es)-1]
	}
	rest := emailPattern.ReplaceAllString(text, " ")
	if ms := orderRefPattern.FindAllStringSubmatch(rest, -1); len(ms) > 0 {
		return ms[len(ms)-1][1], email
	}
	if len(strings.Fields(text)) <= maxBareReplyWords {
		if ms := bareNumberPattern.FindAllStringSubmatch(rest, -1); len(ms) == 1 {
			order = ms[0][1]
		}
	}
	return order, email
}

// answeredOrder is the order an agent message was about: its card's, else the first
// order number of its text (answers name their order first).
func answeredOrder(m domain.Message) string {
	if c := m.Card; c != nil {
		switch {
		case c.Order != nil:
			return digits(c.Order.Number)
		case c.Return != nil:
			return digits(c.Return.OrderNumber)
		}
	}
	if ms := orderRefPattern.FindStringSubmatch(m.Text); ms != nil {
		return ms[1]
	}
	return ""
}

// digits strips an order name to its number ("#1042" is "1042").
func digits(number string) string {
	return strings.TrimLeft(strings.TrimSpace(number), "#")
}

// queries returns what to search for a question of the skill: for a follow-up ("what
// about the blue one?", "and how long does that take?"), the visitor's previous
// question on the same skill joined with it, then the question alone.
func (m memory) queries(id domain.SkillID, question string) []string {
	if router.IsFollowUp(question) {
		for i := len(m.history) - 1; i >= 0; i-- {
			msg := m.history[i]
			if msg.Author == domain.AuthorVisitor && msg.Skill == id && msg.Text != question {
				return []string{msg.Text + " " + question, question}
			}
		}
	}
	return []string{question}
}
