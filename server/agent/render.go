package agent

import (
	"slices"
	"strings"

	"github.com/tandemhq/tandem/server/domain"
)

// answer is what a skill says, before it is rendered for a channel. Skills write text
// that stands on its own (cards only add structure), so every channel gets the facts.
type answer struct {
	// text is the core reply, a few sentences; every channel gets it.
	text string
	// details are further paragraphs (policy passages, other options): web chat,
	// WhatsApp and email get them, SMS does not.
	details []string
	// cards are structured cards with their actions, shown on web chat only.
	cards []domain.Card
	// link is the main deep link (usually into a Customer Hub section): SMS and WhatsApp
	// get its address in the text, email and web chat as a link.
	link *domain.Link
	// links are further links (an article, the carrier's tracking page): web chat and
	// email.
	links []domain.Link
	// quickReplies are buttons, shown on web chat only.
	quickReplies []domain.QuickReply
	// noAnswer is set when the skill found nothing to answer with and people should
	// take over.
	noAnswer bool
}

// maxSMSText is the longest SMS text before the link, about two SMS segments.
const maxSMSText = 300

// render turns an answer into the agent's messages for the channel:
//   - WEBCHAT: the text and details, the first card (its actions are the buttons) and
//     the links no card already opens; each further card is a message of its own; the
//     quick replies go on the last message.
//   - SMS: the text only, shortened, then the main link's address.
//   - WHATSAPP: the text and details, then the main link's address.
//   - EMAIL: a greeting by first name (when known), the text and details, then every link written out, also in
//     Message.Links.
func render(ch domain.Channel, name string, a answer) []domain.Message {
	var all []domain.Link
	if a.link != nil {
		all = append(all, *a.link)
	}
	for _, l := range a.links {
		if !slices.ContainsFunc(all, func(x domain.Link) bool { return x.URL == l.URL }) {
			all = append(all, l)
		}
	}
	paragraphs := append([]string{a.text}, a.details...)
	msg := domain.Message{Author: domain.AuthorAIAgent}
	switch ch {
	case domain.ChannelSMS:
		msg.Text = withLink(shorten(a.text, maxSMSText), a.link)
	case domain.ChannelWhatsApp:
		msg.Text = withLink(strings.Join(paragraphs, "\n\n"), a.link)
	case domain.ChannelEmail:
		if name != "" {
			paragraphs = append([]string{"Hi " + name + ","}, paragraphs...)
		}
		var lines []string
		for _, l := range all {
			lines = append(lines, l.Label+": "+l.URL)
		}
		if len(lines) > 0 {
			paragraphs = append(paragraphs, strings.Join(lines, "\n"))
		}
		msg.Text, msg.Links = strings.Join(paragraphs, "\n\n"), all
	default:
		return renderWebchat(strings.Join(paragraphs, "\n\n"), all, a)
	}
	return []domain.Message{msg}
}

func renderWebchat(text string, links []domain.Link, a answer) []domain.Message {
	msgs := []domain.Message{{Author: domain.AuthorAIAgent, Text: text}}
	for i, card := range a.cards {
		if i == 0 {
			msgs[0].Card = &card
			continue
		}
		caption := card.Title
		if card.Subtitle != "" {
			caption += ": " + card.Subtitle
		}
		msgs = append(msgs, domain.Message{Author: domain.AuthorAIAgent, Text: caption, Card: &card})
	}
	for _, l := range links {
		if !opensURL(a.cards, l.URL) {
			msgs[0].Links = append(msgs[0].Links, l)
		}
	}
	msgs[len(msgs)-1].QuickReplies = a.quickReplies
	return msgs
}

// opensURL reports whether a card action already opens the address.
func opensURL(cards []domain.Card, url string) bool {
	for _, c := range cards {
		for _, act := range c.Actions {
			if act.URL == url {
				return true
			}
		}
	}
	return false
}

func withLink(text string, l *domain.Link) string {
	if l == nil || l.URL == "" {
		return text
	}
	return text + "\n" + l.Label + ": " + l.URL
}

// shorten cuts text to at most limit bytes, at the end of a sentence when one fits,
// else at a word with an ellipsis.
func shorten(text string, limit int) string {
	if len(text) <= limit {
		return text
	}
	cut := text[:limit]
	if i := strings.LastIndexAny(cut, ".!?"); i > limit/3 {
		return cut[:i+1]
	}
	if i := strings.LastIndexByte(cut, ' '); i > 0 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:") + "…"
}
