package agent

import "github.com/tandemhq/tandem/server/domain"

// The agent's own lines, outside any skill.
const (
	// rephraseText asks the visitor to say it another way; askedToRephrase recognises
	// the agent's previous turn by it.
	rephraseText = "Sorry, I'm not sure I understood. Could you tell me a little more, in other words? " +
		"For example: \"Where is my order?\" or \"How do I return a jacket?\""
	// stillUnsureText is said when the visitor rephrased and the agent still does not know.
	stillUnsureText = "I'm sorry, I still can't tell what you need, and I'd rather not guess."
	// humanRequestedText acknowledges a request for a person without promising one: the
	// handoff flow says what happens next.
	humanRequestedText = "Of course, I understand you'd like to talk to someone from our team."
)

// purposes say what each skill does for the visitor, to finish "I'd be happy to …".
var purposes = map[domain.SkillID]string{
	domain.SkillOrderTracking:          "check where your order is",
	domain.SkillReturnsExchanges:       "check your return and exchange options",
	domain.SkillOrderEditing:           "check whether your order can still be changed",
	domain.SkillSubscriptions:          "look up your subscription",
	domain.SkillLoyalty:                "look up your rewards points",
	domain.SkillCouponsDiscounts:       "find you a discount code",
	domain.SkillGeneralQA:              "answer that",
	domain.SkillProductRecommendations: "find the right product for you",
}

// subjects name what each skill's tools look at, for "while I was checking …".
var subjects = map[domain.SkillID]string{
	domain.SkillOrderTracking:          "your order",
	domain.SkillReturnsExchanges:       "your return options",
	domain.SkillOrderEditing:           "your order",
	domain.SkillSubscriptions:          "your subscription",
	domain.SkillLoyalty:                "your rewards balance",
	domain.SkillCouponsDiscounts:       "our current offers",
	domain.SkillGeneralQA:              "our help centre",
	domain.SkillProductRecommendations: "our catalog",
}

// unavailableText says honestly that the skill cannot help in this chat.
func unavailableText(id domain.SkillID) string {
	return "I'm sorry, I can't " + purposes[id] + " in this chat at the moment."
}

// toolFailureText says honestly that a lookup failed.
func toolFailureText(id domain.SkillID) string {
	return "I'm sorry, something went wrong on our side while I was checking " + subjects[id] +
		", so I can't answer that right now."
}
