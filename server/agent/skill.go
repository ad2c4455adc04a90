package agent

import (
	"context"
	"strings"
	"time"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/tools"
)

// handler is one skill's answering logic.
type handler interface {
	// id is the skill's catalog id.
	id() domain.SkillID
	// ready reports whether the tools the skill cannot do without are connected.
	ready(ts tools.Set) bool
	// answer answers the request from tool data and knowledge passages; an error is a
	// tool failure.
	answer(ctx context.Context, r *request) (answer, error)
}

// request is one question for a skill.
type request struct {
	turn domain.Turn
	// question is the visitor's question for this skill: the message, the part of a
	// compound message, or the question that waited for a login.
	question string
	tools    tools.Set
	// customer is the identified customer; nil for an anonymous visitor (only skills
	// that do not require login see nil).
	customer *tools.Customer
	memory   memory
	// now is the turn's time in the account's time zone: dates are written in it.
	now time.Time
}

// mentions reports whether the question contains any of the words (lowercase).
func (r *request) mentions(words ...string) bool {
	q := strings.ToLower(r.question)
	for _, w := range words {
		if strings.Contains(q, w) {
			return true
		}
	}
	return false
}

// passage finds the knowledge passage of the topic that best answers the question,
// else the one best matching fallback; nil when the knowledge base has none (or no
// knowledge tool is connected).
func (r *request) passage(ctx context.Context, topic domain.KnowledgeTopic, fallback string) (*domain.KnowledgePassage, error) {
	if r.tools.Knowledge == nil {
		return nil, nil
	}
	for _, q := range []string{r.question, fallback} {
		ps, err := r.tools.Knowledge.SearchKnowledge(ctx, q, []domain.KnowledgeTopic{topic}, 1)
		if err != nil {
			return nil, err
		}
		if len(ps) > 0 {
			return &ps[0], nil
		}
	}
	return nil, nil
}

// addPassage appends a policy passage, introduced by intro ("From our returns policy"),
// to the answer's details, with a link to its article.
func (a *answer) addPassage(intro string, p *domain.KnowledgePassage) {
	if p == nil {
		return
	}
	a.details = append(a.details, intro+": "+p.Passage)
	if p.URL != "" {
		a.links = append(a.links, domain.Link{Label: p.Title, URL: p.URL})
	}
}
