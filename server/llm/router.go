package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/skill"
)

// routeFunction is the name of the function the router forces the model to call.
const routeFunction = "route"

// maxAlternatives is how many runner-up skills a decision carries, as the offline router.
const maxAlternatives = 3

// Router is a domain.Router that asks the LLM to classify the visitor's message by
// calling a "route" function, with the conversation so far and the skill catalog's
// descriptions in the prompt. It returns an error when the endpoint fails or the call's
// arguments do not validate; wrap it with router.WithFallback so the offline classifier
// answers then.
type Router struct {
	client  *Client
	timeout time.Duration
	system  string
	params  json.RawMessage
}

// DefaultRouteTimeout bounds one routing call, retries included.
const DefaultRouteTimeout = 4 * time.Second

// NewRouter returns a router over the client; timeout bounds each Route call (0 means
// DefaultRouteTimeout).
func NewRouter(c *Client, timeout time.Duration) *Router {
	if timeout <= 0 {
		timeout = DefaultRouteTimeout
	}
	return &Router{client: c, timeout: timeout, system: routerPrompt(), params: routeSchema()}
}

// Route classifies message in the light of history (oldest first). Errors are
// EUnavailable: the endpoint failed or was slow, or the model's call did not validate
// (no route call, malformed arguments, an unknown skill, a confidence outside [0, 1]).
func (r *Router) Route(ctx context.Context, history []domain.Message, message string) (domain.RoutingDecision, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	res, err := r.client.Complete(ctx, Request{
		Messages:      append(append([]Message{{Role: RoleSystem, Content: r.system}}, chatHistory(history)...), Message{Role: RoleUser, Content: message}),
		Functions:     []Function{{Name: routeFunction, Description: "Record which skill should answer the shopper's last message.", Parameters: r.params}},
		ForceFunction: routeFunction,
		MaxTokens:     200,
	})
	if err != nil {
		return domain.RoutingDecision{}, err
	}
	if res.FinishReason == "length" || res.FinishReason == "content_filter" {
		return domain.RoutingDecision{}, unavailable("the LLM's routing answer was cut short (%s)", res.FinishReason)
	}
	if len(res.ToolCalls) != 1 || res.ToolCalls[0].Name != routeFunction {
		return domain.RoutingDecision{}, unavailable("the LLM did not call %s exactly once (%d calls)", routeFunction, len(res.ToolCalls))
	}
	return parseRoute(res.ToolCalls[0].Arguments)
}

// routeArgs are the route function's arguments.
type routeArgs struct {
	Kind         string   `json:"kind"`
	Skill        string   `json:"skill"`
	Confidence   *float64 `json:"confidence"`
	Alternatives []struct {
		Skill      string   `json:"skill"`
		Confidence *float64 `json:"confidence"`
	} `json:"alternatives"`
}

// parseRoute validates the route call's arguments strictly and turns them into a
// decision: no unknown field, a known kind, a known skill when the kind is skill,
// confidences in [0, 1], at most three alternatives, each a known skill other than the
// chosen one and none twice. A skill named with kind human or none is ignored.
func parseRoute(arguments string) (domain.RoutingDecision, error) {
	var a routeArgs
	dec := json.NewDecoder(strings.NewReader(arguments))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return domain.RoutingDecision{}, unavailable("the LLM's route arguments are not valid: %v", err)
	}
	if dec.More() {
		return domain.RoutingDecision{}, unavailable("the LLM's route arguments hold more than one JSON value")
	}
	d := domain.RoutingDecision{Kind: domain.RouteKind(a.Kind)}
	switch d.Kind {
	case domain.RouteSkill, domain.RouteHuman, domain.RouteNone:
	default:
		return domain.RoutingDecision{}, unavailable("the LLM routed to an unknown kind %q", a.Kind)
	}
	if a.Skill != "" && !knownSkill(a.Skill) {
		return domain.RoutingDecision{}, unavailable("the LLM routed to an unknown skill %q", a.Skill)
	}
	if d.Kind == domain.RouteSkill {
		if a.Skill == "" {
			return domain.RoutingDecision{}, unavailable("the LLM routed to a skill without naming it")
		}
		d.Skill = domain.SkillID(a.Skill)
	}
	conf, err := confidence(a.Confidence, "confidence")
	if err != nil {
		return domain.RoutingDecision{}, err
	}
	d.Confidence = conf
	if len(a.Alternatives) > maxAlternatives {
		return domain.RoutingDecision{}, unavailable("the LLM gave %d alternatives, at most %d are allowed", len(a.Alternatives), maxAlternatives)
	}
	for i, alt := range a.Alternatives {
		id := domain.SkillID(alt.Skill)
		if !knownSkill(alt.Skill) {
			return domain.RoutingDecision{}, unavailable("the LLM's alternative %d is an unknown skill %q", i, alt.Skill)
		}
		if id == d.Skill || slices.ContainsFunc(d.Alternatives, func(s domain.ScoredSkill) bool { return s.Skill == id }) {
			return domain.RoutingDecision{}, unavailable("the LLM named skill %q twice", alt.Skill)
		}
		c, err := confidence(alt.Confidence, fmt.Sprintf("alternatives[%d].confidence", i))
		if err != nil {
			return domain.RoutingDecision{}, err
		}
		d.Alternatives = append(d.Alternatives, domain.ScoredSkill{Skill: id, Confidence: c})
	}
	slices.SortStableFunc(d.Alternatives, func(x, y domain.ScoredSkill) int {
		switch {
		case x.Confidence > y.Confidence:
			return -1
		case x.Confidence < y.Confidence:
			return 1
		}
		return 0
	})
	return d, nil
}

func confidence(v *float64, field string) (float32, error) {
	if v == nil {
		return 0, unavailable("the LLM's route arguments lack %s", field)
	}
	if *v < 0 || *v > 1 {
		return 0, unavailable("the LLM's %s %v is not between 0 and 1", field, *v)
	}
	return float32(*v), nil
}

func knownSkill(id string) bool {
	_, ok := skill.Lookup(domain.SkillID(id))
	return ok
}

// skillIDs returns the catalog's skill ids, in catalog order.
func skillIDs() []string {
	var ids []string
	for _, s := range skill.Catalog() {
		ids = append(ids, string(s.ID))
	}
	return ids
}

// routeSchema is the JSON schema of the route function's arguments.
func routeSchema() json.RawMessage {
	ids := skillIDs()
	schema := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"kind": map[string]any{
				"type":        "string",
				"enum":        []string{string(domain.RouteSkill), string(domain.RouteHuman), string(domain.RouteNone)},
				"description": "skill: one of the skills should answer; human: the shopper asks for a person; none: no skill fits.",
			},
			"skill": map[string]any{
				"type": "string", "enum": ids,
				"description": "The skill that should answer; required when kind is skill.",
			},
			"confidence": map[string]any{
				"type": "number", "minimum": 0, "maximum": 1,
				"description": "How sure you are of kind (and skill), from 0 to 1.",
			},
			"alternatives": map[string]any{
				"type": "array", "maxItems": maxAlternatives,
				"description": "The next most likely skills, most likely first.",
				"items": map[string]any{
					"type": "object",
					"properties": map[string]any{
						"skill":      map[string]any{"type": "string", "enum": ids},
						"confidence": map[string]any{"type": "number", "minimum": 0, "maximum": 1},
					},
					"required":             []string{"skill", "confidence"},
					"additionalProperties": false,
				},
			},
		},
		"required":             []string{"kind", "confidence"},
		"additionalProperties": false,
	}
	b, err := json.Marshal(schema)
	if err != nil {
		panic(err) // A literal of strings, numbers and maps always encodes.
	}
	return b
}

// routerPrompt is the router's system prompt: the task and the catalog's descriptions.
func routerPrompt() string {
	var b bytes.Buffer
	b.WriteString("You route the messages shoppers send to an online store's customer-service chat. " +
		"Call the function route for the shopper's LAST message, choosing exactly one of:\n")
	for _, s := range skill.Catalog() {
		fmt.Fprintf(&b, "- kind=skill, skill=%s (%s): %s\n", s.ID, s.Name, s.WhenUsed)
	}
	b.WriteString("- kind=human: the shopper asks to talk to a person (an agent, a manager, support staff).\n" +
		"- kind=none: no skill fits: a greeting alone, thanks, gibberish, questions unrelated to the store, " +
		"job applications, sales or partnership offers.\n" +
		"Read the conversation so far: a follow-up such as \"and how long does that take?\" or \"what about the blue one?\" " +
		"keeps the previous topic; a message on a new topic switches skill. When a message asks two things, route to the first. " +
		"Give your confidence honestly: below 0.5 means you are unsure. Never answer the shopper yourself.")
	return b.String()
}
