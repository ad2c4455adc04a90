package agent

import (
	"context"
	"strings"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/tools"
)

// identity is who the visitor is, as far as the agent may rely on it.
//
// The rule: the agent shows a customer's own data (orders, returns, subscriptions,
// points, personal coupons) only to a visitor it can tie to that customer by something
// stronger than a typed claim:
//   - an authenticated visitor (the brand signed an identity token): by profile id, on
//     any channel;
//   - on EMAIL, the sender address, which the brand's gateway vouches for (the address
//     the message came from, Visitor.Address; never Visitor.Email, which a visitor can
//     type in with IdentifyVisitor);
//   - on SMS and WhatsApp, where the phone number proves nothing about an account, the
//     email address on the account together with the number of one of its orders, both
//     given in the conversation: the same proof a store's guest order-status page asks
//     for. A typed email alone reveals nothing, and a pair that does not match gets the
//     same answer whether the email or the order is wrong.
//
// An anonymous web chat visitor is asked to log in; a typed email is not enough there
// either.
type identity struct {
	// customer is the identified customer, nil if none.
	customer *tools.Customer
	// unmatched is set when an email and order number were given but do not match.
	unmatched bool
	// noAccount is set when the vouched-for profile or sender address has no account.
	noAccount bool
}

// identify finds the visitor's customer once per turn. Errors are tool failures.
func (a *Agent) identify(ctx context.Context, st *turnState) (identity, error) {
	if st.identity != nil {
		return *st.identity, nil
	}
	who, err := lookupVisitor(ctx, st.turn.Conversation, st.memory, st.tools.Profiles, st.tools.Orders)
	if err != nil {
		return identity{}, err
	}
	st.identity = &who
	return who, nil
}

func lookupVisitor(ctx context.Context, c domain.Conversation, mem memory, profiles tools.Profiles, orders tools.Orders) (identity, error) {
	if profiles == nil {
		return identity{}, nil
	}
	v := c.Visitor
	var (
		cust tools.Customer
		err  error
	)
	switch {
	case v.Authenticated && v.ProfileID != "":
		cust, err = profiles.CustomerByID(ctx, v.ProfileID)
	case c.Channel == domain.ChannelEmail && strings.Contains(v.Address, "@"):
		cust, err = profiles.CustomerByEmail(ctx, v.Address)
	case c.Channel == domain.ChannelWebchat:
		return identity{}, nil
	default:
		return matchEmailAndOrder(ctx, mem, v, profiles, orders)
	}
	switch {
	case domain.CodeOf(err) == domain.ENotFound:
		return identity{noAccount: true}, nil
	case err != nil:
		return identity{}, err
	}
	return identity{customer: &cust}, nil
}

// matchEmailAndOrder identifies a text-message visitor (or an email without a sender
// address) by the account email and an order
// number of that account, both given in the conversation.
func matchEmailAndOrder(ctx context.Context, mem memory, v domain.Visitor, profiles tools.Profiles, orders tools.Orders) (identity, error) {
	email := mem.email
	if email == "" {
		email = v.Email
	}
	if email == "" || mem.orderNumber == "" || orders == nil {
		return identity{}, nil
	}
	cust, err := profiles.CustomerByEmail(ctx, email)
	if err == nil {
		_, err = orders.OrderByNumber(ctx, cust, mem.orderNumber)
	}
	switch {
	case domain.CodeOf(err) == domain.ENotFound:
		return identity{unmatched: true}, nil
	case err != nil:
		return identity{}, err
	}
	return identity{customer: &cust}, nil
}

// askToIdentify asks an anonymous visitor to log in (web chat) or for the account email
// and an order number (SMS, WhatsApp), once per turn; a vouched-for visitor without an
// account is told so and handed off.
func (a *Agent) askToIdentify(st *turnState, id domain.SkillID, question string, who identity) (result, error) {
	c := st.turn.Conversation
	if who.noAccount {
		text := "I couldn't find a customer account for you, so I can't look that up."
		if c.Channel == domain.ChannelEmail {
			text = "I couldn't find a customer account for " + c.Visitor.Address + ", so I can't look that up. " +
				"If you shopped with a different email address, please write to us from that one."
		}
		return a.handoff(st, id, question, domain.HandoffNoAnswer, text), nil
	}
	res := result{skill: id, outcome: domain.TurnLoginRequested}
	if st.asked {
		return res, nil
	}
	st.asked = true
	purpose := purposes[id]
	var ans answer
	switch {
	case c.Channel == domain.ChannelWebchat:
		ans.text = "I'd be happy to " + purpose + ". For your privacy I need you to log in first: " +
			"once you're logged in, I'll pick up right where we left off."
		ans.quickReplies = []domain.QuickReply{{ID: QuickReplyLogin, Label: "Log in"}}
	case who.unmatched:
		ans.text = "I couldn't find order #" + st.memory.orderNumber + " for that email address. " +
			"Please check both and send them again."
	case st.memory.email != "" || c.Visitor.Email != "":
		ans.text = "Thanks! To " + purpose + ", please also send me the number of one of your orders " +
			"(you'll find it in your order confirmation email)."
	case st.memory.orderNumber != "":
		ans.text = "Thanks! To " + purpose + ", please also send me the email address you used for order #" +
			st.memory.orderNumber + "."
	default:
		ans.text = "I'd be happy to " + purpose + ". To keep your account safe, please reply with the email " +
			"address on your account and the number of one of your orders (you'll find it in your order " +
			"confirmation email)."
	}
	res.messages = render(c.Channel, "", ans)
	return res, nil
}
