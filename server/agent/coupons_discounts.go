package agent

import (
	"context"
	"strings"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/tools"
)

// couponsDiscounts lists the codes the visitor can use, with the rules from the coupons
// article. Anyone gets the public coupons; an identified customer also gets their own,
// and an anonymous one is told to log in for them.
type couponsDiscounts struct{}

// maxCouponCards is how many coupon cards one answer shows.
const maxCouponCards = 3

func (couponsDiscounts) id() domain.SkillID      { return domain.SkillCouponsDiscounts }
func (couponsDiscounts) ready(ts tools.Set) bool { return ts.Coupons != nil }

func (couponsDiscounts) answer(ctx context.Context, r *request) (answer, error) {
	var personal []tools.Coupon
	if r.customer != nil {
		var err error
		if personal, err = r.tools.Coupons.PersonalCoupons(ctx, *r.customer); err != nil {
			return answer{}, err
		}
	}
	public, err := r.tools.Coupons.PublicCoupons(ctx)
	if err != nil {
		return answer{}, err
	}
	p, err := r.passage(ctx, domain.TopicCoupons, "discount code rules")
	if err != nil {
		return answer{}, err
	}
	var a answer
	var lines []string
	if len(personal) > 0 {
		lines = append(lines, "Just for you:")
		lines = append(lines, couponLines(personal, r)...)
	}
	if len(public) > 0 {
		if len(personal) > 0 {
			lines = append(lines, "And for everyone:")
		}
		lines = append(lines, couponLines(public, r)...)
	}
	if len(lines) == 0 {
		a.text = "We don't have any discount codes running right now."
	} else {
		a.text = "Here are the codes you can use right now:\n" + strings.Join(lines, "\n")
	}
	if r.customer == nil && r.tools.Profiles != nil {
		a.text += "\n\nLog in to your account to see any coupons issued to you personally."
		a.quickReplies = []domain.QuickReply{{ID: QuickReplyLogin, Label: "Log in"}}
	}
	a.addPassage("Good to know", p)
	for _, c := range append(personal, public...) {
		if len(a.cards) == maxCouponCards {
			break
		}
		a.cards = append(a.cards, domain.Card{
			Type: domain.CardCoupon, Title: c.Code, Subtitle: c.Description,
			Coupon: &domain.CouponCard{Code: c.Code, Description: c.Description, ExpiresAt: c.ExpiresAt,
				MinimumSpend: c.MinimumSpend, Personal: c.Personal},
		})
	}
	return a, nil
}

// couponLines writes one line per coupon: "• TRAIL20: $20 off, on orders of $150 or
// more, until January 31, 2027" (the minimum only when the description does not already
// name it).
func couponLines(cs []tools.Coupon, r *request) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		line := "• " + c.Code + ": " + strings.TrimSuffix(c.Description, ".")
		if c.MinimumSpend != nil && !strings.Contains(c.Description, money(*c.MinimumSpend)) {
			line += ", on orders of " + money(*c.MinimumSpend) + " or more"
		}
		if c.ExpiresAt.IsZero() {
			line += " (no expiry date)"
		} else {
			line += ", until " + day(c.ExpiresAt, r.now)
		}
		out[i] = line
	}
	return out
}
