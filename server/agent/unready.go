// Package agent holds Tandem's AI agents.
package agent

import (
	"context"

	"github.com/tandemhq/tandem/server/domain"
)

// Unready is the honest agent used until skills exist: it says it cannot answer yet and
// leaves the conversation with the AI.
type Unready struct{}

// Respond tells the visitor the agent cannot answer yet.
func (Unready) Respond(context.Context, domain.Turn) (domain.Reply, error) {
	return domain.Reply{Messages: []domain.Message{{
		Author: domain.AuthorAIAgent,
		Text:   "Thanks for your message. I can't answer questions yet; this assistant is still being set up.",
	}}}, nil
}
