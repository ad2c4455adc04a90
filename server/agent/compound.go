package agent

import (
	"context"
	"regexp"
	"strings"

	"github.com/tandemhq/tandem/server/domain"
)

// clauseBreak splits a message into clauses: after a question mark, full stop,
// exclamation mark or semicolon, and before "and", "also", "plus" or "but" joining two
// clauses.
var clauseBreak = regexp.MustCompile(`(?i)[?.!;]+\s+|,?\s+(?:and also|and|also|plus|but)\s+`)

const (
	// minClauseWords is the fewest words a clause needs to be a question of its own;
	// shorter ones ("and brown") stay with the clause before.
	minClauseWords = 3
	// maxQuestions is the most questions of one message the agent answers.
	maxQuestions = 3
)

// compound splits a message asking for several skills ("where is my order, and can I
// still change the address?") into one part per skill, in the order asked, so each is
// answered in full. It returns nil unless at least two clauses are each confidently for
// a different skill; clauses for the same skill are one question.
func (a *Agent) compound(ctx context.Context, history []domain.Message, text string) []part {
	clauses := splitClauses(text)
	if len(clauses) < 2 {
		return nil
	}
	var parts []part
	for _, c := range clauses {
		d, err := a.router.Route(ctx, history, c)
		if err != nil || d.Kind != domain.RouteSkill || !confident(d) {
			return nil
		}
		if n := len(parts); n > 0 && parts[n-1].decision.Skill == d.Skill {
			parts[n-1].question += " " + c
			continue
		}
		parts = append(parts, part{decision: d, question: c})
	}
	if len(parts) > maxQuestions {
		return nil
	}
	return parts
}

// splitClauses splits text at clause breaks, keeping short pieces with the one before.
func splitClauses(text string) []string {
	var out []string
	last := 0
	add := func(piece string) {
		piece = strings.TrimSpace(piece)
		if piece == "" {
			return
		}
		if n := len(out); n > 0 && len(strings.Fields(piece)) < minClauseWords {
			out[n-1] += " " + piece
			return
		}
		out = append(out, piece)
	}
	for _, loc := range clauseBreak.FindAllStringIndex(text, -1) {
		// A clause keeps the punctuation that ends it ("…my order?").
		m := text[loc[0]:loc[1]]
		end := loc[0] + len(m) - len(strings.TrimLeft(m, "?.!;"))
		add(text[last:end])
		last = loc[1]
	}
	add(text[last:])
	return out
}
