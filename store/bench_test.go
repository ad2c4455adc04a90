package store_test

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/server/domain"
)

// BenchmarkApplyChange measures one visitor turn's write (the visitor message, the
// answer and their events) on one connection.
func BenchmarkApplyChange(b *testing.B) {
	bundle := setup(b)
	a, _, _ := createAccount(b, bundle)
	c := createConversation(b, bundle, a.ID, nil)
	for b.Loop() {
		next := c
		next.UpdatedAt = c.UpdatedAt.Add(time.Second)
		next.LastSequence += 2
		next.MessageCount += 2
		ch := domain.ConversationChange{Conversation: next, ExpectedSequence: c.LastSequence, Events: []domain.Event{
			messageEvent(c, c.LastSequence+1, domain.AuthorVisitor, "Where is my order?"),
			messageEvent(c, c.LastSequence+2, domain.AuthorAIAgent, "It ships tomorrow."),
		}}
		if err := bundle.store.ApplyChange(bundle.ctx, ch); err != nil {
			b.Fatal(err)
		}
		c = next
	}
}
