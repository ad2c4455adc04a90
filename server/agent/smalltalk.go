package agent

import (
	"strings"
	"unicode"
)

// The replies to small talk.
const (
	greetingReply = "Hi! How can I help today? I can track an order, help with a return or " +
		"exchange, change an order, manage a subscription, check your rewards, find a discount " +
		"code, recommend products or answer questions about shipping and our policies."
	thanksReply  = "You're welcome! Is there anything else I can help with?"
	goodbyeReply = "Thanks for chatting with us. Have a great day!"
)

// smallTalkWords maps the words of greetings, thanks and goodbyes to their reply.
var smallTalkWords = map[string]string{
	"hi": greetingReply, "hello": greetingReply, "hey": greetingReply, "hiya": greetingReply,
	"morning": greetingReply, "afternoon": greetingReply, "evening": greetingReply,
	"thanks": thanksReply, "thank": thanksReply, "thx": thanksReply, "ty": thanksReply,
	"bye": goodbyeReply, "goodbye": goodbyeReply,
}

// smallTalkFillers may accompany small talk without changing it ("hi there", "thanks a
// lot", "good morning").
var smallTalkFillers = map[string]bool{
	"there": true, "you": true, "so": true, "much": true, "a": true, "lot": true, "good": true,
	"ok": true, "okay": true, "great": true, "all": true, "folks": true, "team": true,
}

// smallTalk returns the reply to a message that is only a greeting, thanks or goodbye
// ("Hi there!", "thanks so much"), so the agent answers it warmly instead of asking to
// rephrase; any other word makes it a question for the router and the skills.
func smallTalk(text string) (string, bool) {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) })
	reply := ""
	for _, w := range words {
		switch r, ok := smallTalkWords[w]; {
		case ok && reply == "":
			reply = r
		case ok, smallTalkFillers[w]:
		default:
			return "", false
		}
	}
	return reply, reply != ""
}
