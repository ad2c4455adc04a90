// Package agent holds Tandem's AI agent: it routes every visitor message to one of the
// eight skills, checks that the skill is live and that the visitor may see what it
// answers, calls the skill's tools and renders the answer for the channel. When it
// cannot resolve a question it says so honestly and signals a soft handoff in the Reply;
// the handoff flow acts on that signal. The agent never writes: everything it decides is
// in the Reply, so a preview is just Respond on a synthetic turn.
package agent

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/llm"
	"github.com/tandemhq/tandem/server/router"
	"github.com/tandemhq/tandem/server/skill"
	"github.com/tandemhq/tandem/server/tools"
)

// StatusProvider derives the skills' statuses for an account (skill.Service does).
type StatusProvider interface {
	// Statuses returns every catalog skill's derived status for the account, and the
	// account's time zone, in which answers write dates.
	Statuses(ctx context.Context, accountID string) (skill.Statuses, error)
}

// Options are what an Agent needs.
type Options struct {
	// Router classifies visitor messages (router.NewOffline by default in the app).
	Router domain.Router
	// Statuses tells which skills are live for the account.
	Statuses StatusProvider
	// Tools resolves the account's tools.
	Tools tools.Resolver
	// Logger receives tool failures and routing errors (default slog.Default()).
	Logger *slog.Logger
	// Now is the clock, for "arrives tomorrow" (default time.Now).
	Now func() time.Time
	// Phraser rewords a skill's answer from its facts (llm.Responder does); nil sends
	// the skills' own templates.
	Phraser Phraser
}

// Phraser rewords a skill's drafted answer, using only the facts given; it returns the
// draft (and false) whenever it cannot do better.
type Phraser interface {
	// Phrase returns the text to send and whether it differs from the draft.
	Phrase(ctx context.Context, in llm.PhraseInput) (text string, phrased bool)
}

// Agent is the skill-based AI agent. It is safe for concurrent use.
type Agent struct {
	router   domain.Router
	statuses StatusProvider
	tools    tools.Resolver
	logger   *slog.Logger
	now      func() time.Time
	phraser  Phraser
	skills   map[domain.SkillID]handler
}

// New returns an Agent; Router, Statuses and Tools are required.
func New(o Options) *Agent {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	a := &Agent{router: o.Router, statuses: o.Statuses, tools: o.Tools, logger: o.Logger, now: o.Now,
		phraser: o.Phraser, skills: map[domain.SkillID]handler{}}
	for _, h := range []handler{
		orderTracking{}, returnsExchanges{}, orderEditing{}, subscriptions{}, loyalty{},
		couponsDiscounts{}, generalQA{}, productRecommendations{},
	} {
		a.skills[h.id()] = h
	}
	return a
}

// The quick replies the agent offers and understands.
const (
	// QuickReplyLogin is offered to anonymous web chat visitors when a skill needs login.
	// The widget handles it: it runs the brand's login, calls IdentifyVisitor with the
	// identity token, then sends the quick reply as the visitor's turn, and the agent
	// answers the question that was waiting for the login.
	QuickReplyLogin = "login"
	// QuickReplyHuman asks for a person (offered when the agent did not understand).
	QuickReplyHuman = "human"
	// QuickReplySkillPrefix followed by a skill id picks that skill for the question the
	// agent did not understand ("skill:order_tracking").
	QuickReplySkillPrefix = "skill:"
)

// turnState is what one Respond call gathers once and shares between the parts of a
// compound message: the account's statuses, tools and the visitor's identity are read
// at most once per turn, and only when a skill needs them.
type turnState struct {
	turn     domain.Turn
	memory   memory
	statuses *skill.Statuses
	tools    *tools.Set
	identity *identity
	// asked is set once the visitor has been asked to log in or identify, so a second
	// part of the message does not ask again.
	asked bool
}

// Respond answers one visitor turn. It reads (router, statuses, tools) but never writes.
func (a *Agent) Respond(ctx context.Context, t domain.Turn) (domain.Reply, error) {
	st := &turnState{turn: t, memory: remember(t)}
	var reply domain.Reply
	for i, p := range a.plan(ctx, t, st) {
		res, err := a.handle(ctx, st, p)
		if err != nil {
			return domain.Reply{}, err
		}
		if i == 0 {
			reply.Decision, reply.Skill, reply.Outcome = p.decision, res.skill, res.outcome
		}
		for _, m := range res.messages {
			m.Skill = res.skill
			reply.Messages = append(reply.Messages, m)
		}
		reply.Outcome = worse(reply.Outcome, res.outcome)
		if res.handoff != nil {
			reply.Handoff = res.handoff
			break
		}
	}
	return reply, nil
}

// part is a question of the turn with the router's decision for it.
type part struct {
	decision domain.RoutingDecision
	question string
}

// plan decides what the turn asks: a pressed quick reply, one question, or (for a
// compound message) one question per skill in the order asked.
func (a *Agent) plan(ctx context.Context, t domain.Turn, st *turnState) []part {
	if p, ok := quickReplyPart(t); ok {
		return []part{p}
	}
	text := strings.TrimSpace(t.Message.Text)
	if parts := a.compound(ctx, t.History, text); len(parts) > 1 {
		return parts
	}
	d, err := a.router.Route(ctx, t.History, text)
	if err != nil {
		a.logger.WarnContext(ctx, "routing a visitor message", "account_id", t.Conversation.AccountID, "error", err)
		d = domain.RoutingDecision{Kind: domain.RouteNone}
	}
	// A reply with only the email or order number the agent asked for says little to
	// the router; it continues the active skill when that skill needs them.
	if active, ok := skill.Lookup(t.Conversation.ActiveSkill); ok && !confident(d) && st.memory.givesIdentity && active.Login == skill.LoginRequired {
		d.Kind, d.Skill = domain.RouteSkill, active.ID
	}
	return []part{{decision: d, question: text}}
}

// confident reports whether the decision is a skill or a person, sure enough to act on.
func confident(d domain.RoutingDecision) bool {
	return d.Kind != domain.RouteNone && d.Confidence >= router.MinConfidence
}

// quickReplyPart turns a quick reply the agent offered into a decision for the question
// that was waiting: the visitor's previous message.
func quickReplyPart(t domain.Turn) (part, bool) {
	id := t.QuickReplyID
	question := lastVisitorText(t.History)
	sure := func(kind domain.RouteKind, s domain.SkillID) (part, bool) {
		return part{decision: domain.RoutingDecision{Kind: kind, Skill: s, Confidence: 1}, question: question}, true
	}
	switch {
	case id == QuickReplyHuman:
		return sure(domain.RouteHuman, "")
	case id == QuickReplyLogin && t.Conversation.ActiveSkill != "":
		return sure(domain.RouteSkill, t.Conversation.ActiveSkill)
	case strings.HasPrefix(id, QuickReplySkillPrefix):
		if s := domain.SkillID(strings.TrimPrefix(id, QuickReplySkillPrefix)); hasSkill(s) {
			return sure(domain.RouteSkill, s)
		}
	}
	return part{}, false
}

func hasSkill(id domain.SkillID) bool {
	_, ok := skill.Lookup(id)
	return ok
}

// result is what handling one question came to.
type result struct {
	skill    domain.SkillID
	messages []domain.Message
	outcome  domain.TurnOutcome
	handoff  *domain.SoftHandoff
}

// outcomeRank orders outcomes from best to worst, for a turn with several questions.
var outcomeRank = map[domain.TurnOutcome]int{
	domain.TurnAnswered: 1, domain.TurnRephraseRequested: 2, domain.TurnLoginRequested: 3, domain.TurnHandoff: 4,
}

func worse(a, b domain.TurnOutcome) domain.TurnOutcome {
	if outcomeRank[b] > outcomeRank[a] {
		return b
	}
	return a
}

// handle answers one question.
func (a *Agent) handle(ctx context.Context, st *turnState, p part) (result, error) {
	d := p.decision
	switch {
	case d.Kind == domain.RouteHuman && d.Confidence >= router.MinConfidence:
		return a.handoff(st, "", p.question, domain.HandoffVisitorRequested, humanRequestedText), nil
	case !confident(d) || !hasSkill(d.Skill):
		if reply, ok := smallTalk(p.question); ok {
			return result{outcome: domain.TurnAnswered, messages: render(st.turn.Conversation.Channel, "", answer{text: reply})}, nil
		}
		if askedToRephrase(st.turn.History) {
			return a.handoff(st, "", p.question, domain.HandoffLowConfidence, stillUnsureText), nil
		}
		return a.rephrase(st, d), nil
	}
	return a.runSkill(ctx, st, d.Skill, p.question)
}

// runSkill checks the skill can answer here and for this visitor, then answers.
func (a *Agent) runSkill(ctx context.Context, st *turnState, id domain.SkillID, question string) (result, error) {
	cat, _ := skill.Lookup(id)
	h := a.skills[id]
	c := st.turn.Conversation
	if !containsChannel(cat.Channels, c.Channel) {
		return a.handoff(st, id, question, domain.HandoffSkillUnavailable, unavailableText(id)), nil
	}
	if st.statuses == nil {
		s, err := a.statuses.Statuses(ctx, c.AccountID)
		if err != nil {
			return result{}, err
		}
		st.statuses = &s
	}
	if st.statuses.Skills[id].Status != skill.StatusLive {
		return a.handoff(st, id, question, domain.HandoffSkillUnavailable, unavailableText(id)), nil
	}
	if st.tools == nil {
		ts, err := a.tools.Tools(ctx, c.AccountID)
		if err != nil {
			a.logger.WarnContext(ctx, "resolving the account's tools", "account_id", c.AccountID, "skill", id, "error", err)
			return a.handoff(st, id, question, domain.HandoffToolFailure, toolFailureText(id)), nil
		}
		st.tools = &ts
	}
	if !h.ready(*st.tools) {
		return a.handoff(st, id, question, domain.HandoffSkillUnavailable, unavailableText(id)), nil
	}
	req := &request{turn: st.turn, question: question, tools: *st.tools, memory: st.memory, now: a.now().In(st.statuses.Location)}
	if cat.Login != skill.LoginNone {
		who, err := a.identify(ctx, st)
		if err != nil {
			a.logger.WarnContext(ctx, "looking up the visitor", "account_id", c.AccountID, "skill", id, "error", err)
			return a.handoff(st, id, question, domain.HandoffToolFailure, toolFailureText(id)), nil
		}
		req.customer = who.customer
		if who.customer == nil && cat.Login == skill.LoginRequired {
			return a.askToIdentify(st, id, question, who)
		}
	}
	ans, err := h.answer(ctx, req)
	if err != nil {
		a.logger.WarnContext(ctx, "a skill's tool failed", "account_id", c.AccountID, "skill", id, "error", err)
		return a.handoff(st, id, question, domain.HandoffToolFailure, toolFailureText(id)), nil
	}
	ans = a.phrase(ctx, req, id, ans)
	res := result{skill: id, outcome: domain.TurnAnswered, messages: render(c.Channel, firstName(c.Visitor, req.customer), ans)}
	if ans.noAnswer {
		res.outcome = domain.TurnHandoff
		res.handoff = &domain.SoftHandoff{Reason: domain.HandoffNoAnswer, Question: question, Skill: id}
	}
	return res, nil
}

// phrase has the Phraser reword the answer's text and details from the facts the skill
// answered with (its cards' tool data, its links and policy passages); the cards, links
// and quick replies stay as the skill made them. Without a Phraser, or for an answer
// that hands off, the draft stays.
func (a *Agent) phrase(ctx context.Context, r *request, id domain.SkillID, ans answer) answer {
	if a.phraser == nil || ans.noAnswer {
		return ans
	}
	draft := strings.Join(append([]string{ans.text}, ans.details...), "\n\n")
	facts := map[string]any{}
	if len(ans.cards) > 0 {
		facts["cards"] = ans.cards
	}
	if links := append(slices.Clip(ans.links), derefLinks(ans.link)...); len(links) > 0 {
		facts["links"] = links
	}
	text, phrased := a.phraser.Phrase(ctx, llm.PhraseInput{Skill: id, Channel: r.turn.Conversation.Channel,
		History: r.turn.History, Question: r.question, Draft: draft, Facts: facts})
	if phrased {
		ans.text, ans.details = text, nil
	}
	return ans
}

// derefLinks is the link as a list: empty for none.
func derefLinks(l *domain.Link) []domain.Link {
	if l == nil {
		return nil
	}
	return []domain.Link{*l}
}

func containsChannel(cs []domain.Channel, c domain.Channel) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

// handoff answers honestly with text and signals a soft handoff for the reason.
func (a *Agent) handoff(st *turnState, id domain.SkillID, question string, why domain.HandoffReason, text string) result {
	return result{
		skill:    id,
		outcome:  domain.TurnHandoff,
		messages: render(st.turn.Conversation.Channel, "", answer{text: text}),
		handoff:  &domain.SoftHandoff{Reason: why, Question: question, Skill: id},
	}
}

// rephrase asks the visitor to say it another way; on web chat it offers the likeliest
// skills and a person as quick replies.
func (a *Agent) rephrase(st *turnState, d domain.RoutingDecision) result {
	ans := answer{text: rephraseText}
	const minSuggestion, maxSuggestions = 0.05, 2
	var suggestions []domain.ScoredSkill
	if d.Kind == domain.RouteSkill {
		suggestions = append(suggestions, domain.ScoredSkill{Skill: d.Skill, Confidence: d.Confidence})
	}
	suggestions = append(suggestions, d.Alternatives...)
	for _, s := range suggestions {
		if cat, ok := skill.Lookup(s.Skill); ok && s.Confidence >= minSuggestion && len(ans.quickReplies) < maxSuggestions {
			ans.quickReplies = append(ans.quickReplies, domain.QuickReply{ID: QuickReplySkillPrefix + string(s.Skill), Label: cat.Name})
		}
	}
	ans.quickReplies = append(ans.quickReplies, domain.QuickReply{ID: QuickReplyHuman, Label: "Talk to a person"})
	return result{outcome: domain.TurnRephraseRequested, messages: render(st.turn.Conversation.Channel, "", ans)}
}

// askedToRephrase reports whether the agent's reply to the visitor's previous message
// asked to rephrase.
func askedToRephrase(history []domain.Message) bool {
	for i := len(history) - 1; i >= 0; i-- {
		m := history[i]
		switch m.Author {
		case domain.AuthorVisitor:
			return false
		case domain.AuthorAIAgent:
			if strings.HasPrefix(m.Text, rephraseText) {
				return true
			}
		}
	}
	return false
}

// lastVisitorText is the text of the visitor's latest message in history.
func lastVisitorText(history []domain.Message) string {
	for i := len(history) - 1; i >= 0; i-- {
		if history[i].Author == domain.AuthorVisitor {
			return history[i].Text
		}
	}
	return ""
}

// firstName is what to call the visitor: the customer's first name, else the first word
// of the name the visitor came with.
func firstName(v domain.Visitor, c *tools.Customer) string {
	if c != nil && c.FirstName != "" {
		return c.FirstName
	}
	if f := strings.Fields(v.Name); len(f) > 0 {
		return f[0]
	}
	return ""
}
