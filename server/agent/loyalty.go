package agent

import (
	"context"
	"strconv"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/tools"
)

// loyalty gives the visitor's points, tier and distance to the next tier, with how to
// redeem from the loyalty program article.
type loyalty struct{}

func (loyalty) id() domain.SkillID { return domain.SkillLoyalty }
func (loyalty) ready(ts tools.Set) bool {
	return ts.Profiles != nil && ts.Loyalty != nil
}

func (loyalty) answer(ctx context.Context, r *request) (answer, error) {
	b, err := r.tools.Loyalty.Balance(ctx, *r.customer)
	if domain.CodeOf(err) == domain.ENotFound {
		return answer{noAnswer: true, text: "I couldn't find a rewards account for you (" + r.customer.Email + ")."}, nil
	}
	if err != nil {
		return answer{}, err
	}
	p, err := r.passage(ctx, domain.TopicLoyaltyProgram, "redeem points reward")
	if err != nil {
		return answer{}, err
	}
	points := strconv.FormatInt(b.Points, 10)
	a := answer{text: "You have " + points + " points and you're in the " + b.Tier + " tier."}
	if b.NextTier != "" {
		a.text += " You need " + strconv.FormatInt(b.PointsToNextTier, 10) + " more points to reach " + b.NextTier + "."
	} else {
		a.text += " That's our top tier: well done!"
	}
	a.addPassage("How it works", p)
	rewards := firstNonEmpty(b.RewardsURL, hubURL(r.customer, "", hubRewards))
	a.cards = []domain.Card{{
		Type: domain.CardLoyalty, Title: points + " points", Subtitle: b.Tier + " tier",
		Actions: action("Redeem points", rewards),
		Loyalty: &domain.LoyaltyCard{Points: b.Points, Tier: b.Tier, NextTier: b.NextTier, PointsToNextTier: b.PointsToNextTier},
	}}
	a.link = linkTo("Your rewards", rewards)
	return a, nil
}
