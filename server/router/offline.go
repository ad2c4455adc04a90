package router

import (
	"context"

	"github.com/tandemhq/tandem/server/domain"
)

// contextMessages is how many of the visitor's earlier messages Offline passes to
// ClassifyInContext (which weighs at most three).
const contextMessages = 3

// Offline is the offline classifier as the agent's domain.Router. It reads the
// visitor's earlier messages of the conversation, so a follow-up keeps its topic.
type Offline struct {
	classifier *Classifier
}

// NewOffline returns a router over the classifier; nil uses Default.
func NewOffline(c *Classifier) *Offline {
	if c == nil {
		c = Default()
	}
	return &Offline{classifier: c}
}

// Route classifies message in the light of the visitor's last messages in history. The
// decision's Kind is RouteHuman or RouteNone for LabelHuman and LabelNone, RouteSkill
// otherwise; Alternatives list only skills. Route never fails.
func (o *Offline) Route(_ context.Context, history []domain.Message, message string) (domain.RoutingDecision, error) {
	var previous []string
	for i := len(history) - 1; i >= 0 && len(previous) < contextMessages; i-- {
		if history[i].Author == domain.AuthorVisitor {
			previous = append(previous, history[i].Text)
		}
	}
	// ClassifyInContext wants the oldest first.
	for i, j := 0, len(previous)-1; i < j; i, j = i+1, j-1 {
		previous[i], previous[j] = previous[j], previous[i]
	}
	d := o.classifier.ClassifyInContext(message, previous)
	out := domain.RoutingDecision{Confidence: d.Confidence}
	switch d.Label {
	case LabelHuman:
		out.Kind = domain.RouteHuman
	case LabelNone:
		out.Kind = domain.RouteNone
	default:
		out.Kind, out.Skill = domain.RouteSkill, domain.SkillID(d.Label)
	}
	for _, a := range d.Alternatives {
		if a.Label != LabelHuman && a.Label != LabelNone {
			out.Alternatives = append(out.Alternatives, domain.ScoredSkill{Skill: domain.SkillID(a.Label), Confidence: a.Confidence})
		}
	}
	return out, nil
}
