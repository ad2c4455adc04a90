package agent

import (
	"context"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/tools"
)

// generalQA answers from the knowledge base with the passage that answers the question
// (not the whole article) and a link to the article; it says plainly when the knowledge
// base has no answer, and hands off.
type generalQA struct{}

func (generalQA) id() domain.SkillID      { return domain.SkillGeneralQA }
func (generalQA) ready(ts tools.Set) bool { return ts.Knowledge != nil }

func (g generalQA) answer(ctx context.Context, r *request) (answer, error) {
	for _, q := range r.memory.queries(g.id(), r.question) {
		ps, err := r.tools.Knowledge.SearchKnowledge(ctx, q, nil, 1)
		if err != nil {
			return answer{}, err
		}
		if len(ps) > 0 {
			p := ps[0]
			return answer{text: p.Passage, link: linkTo("Read more: "+p.Title, p.URL)}, nil
		}
	}
	return answer{noAnswer: true, text: "I couldn't find an answer to that in our help centre, and I'd rather not guess."}, nil
}
