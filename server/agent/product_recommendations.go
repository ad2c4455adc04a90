package agent

import (
	"context"
	"strings"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/tools"
)

// productRecommendations searches the catalog for what the visitor describes, reading a
// follow-up ("what about the blue one?") together with the question before it.
type productRecommendations struct{}

// maxProducts is how many products one answer shows.
const maxProducts = 3

func (productRecommendations) id() domain.SkillID      { return domain.SkillProductRecommendations }
func (productRecommendations) ready(ts tools.Set) bool { return ts.Products != nil }

func (p productRecommendations) answer(ctx context.Context, r *request) (answer, error) {
	var (
		found []tools.Product
		query string
	)
	for _, q := range r.memory.queries(p.id(), r.question) {
		query = productQuery(q)
		var err error
		if found, err = r.tools.Products.SearchProducts(ctx, query, maxProducts); err != nil {
			return answer{}, err
		}
		if len(found) > 0 {
			break
		}
	}
	if len(found) == 0 {
		return answer{text: "I couldn't find anything matching \"" + query + "\" in our catalog. " +
			"Could you describe what you're looking for in other words?"}, nil
	}
	a := answer{text: "Here's what I found in our catalog:"}
	for _, x := range found {
		line := "\n• " + x.Title + ", " + money(x.Price)
		if !x.InStock {
			line += " (out of stock right now)"
		}
		a.text += line
		if x.Description != "" {
			a.details = append(a.details, x.Title+": "+x.Description)
		}
		a.links = append(a.links, domain.Link{Label: x.Title, URL: x.URL})
		a.cards = append(a.cards, domain.Card{
			Type: domain.CardProduct, Title: x.Title, Subtitle: money(x.Price), ImageURL: x.ImageURL,
			Actions: action("View product", x.URL),
			Product: &domain.ProductCard{ProductID: x.ID, Title: x.Title, Description: x.Description,
				Price: x.Price, URL: x.URL, InStock: x.InStock},
		})
	}
	a.link, a.links = &a.links[0], a.links[1:]
	return a, nil
}

// fillerWords are words of a shopping question that do not describe the product.
var fillerWords = map[string]bool{
	"a": true, "an": true, "the": true, "do": true, "does": true, "you": true, "have": true, "any": true,
	"some": true, "i": true, "im": true, "i'm": true, "me": true, "my": true, "we": true, "need": true,
	"want": true, "looking": true, "look": true, "for": true, "recommend": true, "suggest": true,
	"can": true, "could": true, "would": true, "please": true, "what": true, "about": true, "how": true,
	"and": true, "also": true, "one": true, "ones": true, "it": true, "that": true, "this": true,
	"is": true, "are": true, "there": true, "sell": true, "good": true, "best": true,
	"to": true, "of": true, "in": true, "with": true, "something": true, "show": true, "get": true,
	"buy": true, "should": true, "which": true, "them": true, "those": true,
}

// productQuery keeps the words of a question that describe a product: "do you have a
// rain jacket?" searches "rain jacket".
func productQuery(question string) string {
	var kept []string
	for _, w := range strings.Fields(strings.ToLower(question)) {
		w = strings.Trim(w, "?!.,;:\"'()")
		if w != "" && !fillerWords[w] {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 {
		return strings.TrimSpace(question)
	}
	return strings.Join(kept, " ")
}
