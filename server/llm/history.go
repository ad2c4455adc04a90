package llm

import (
	"strings"

	"github.com/tandemhq/tandem/server/domain"
)

// The parts of the conversation so far that a prompt carries.
const (
	// historyMessages is how many of the most recent messages a prompt carries.
	historyMessages = 12
	// historyMessageChars caps each of them, in bytes.
	historyMessageChars = 1000
)

// chatHistory turns the conversation so far (oldest first) into chat messages: the
// visitor's as user messages, the AI agent's and the team's as assistant messages;
// system notices and empty messages are left out. Only the most recent messages count,
// each cut to a bounded length.
func chatHistory(history []domain.Message) []Message {
	var out []Message
	for _, m := range history[max(0, len(history)-historyMessages):] {
		if m.Text == "" {
			continue
		}
		role := RoleAssistant
		switch m.Author {
		case domain.AuthorVisitor:
			role = RoleUser
		case domain.AuthorSystem:
			continue
		}
		text := m.Text
		if len(text) > historyMessageChars {
			text = strings.ToValidUTF8(text[:historyMessageChars], "")
		}
		out = append(out, Message{Role: role, Content: text})
	}
	return out
}
