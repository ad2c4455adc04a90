package llm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/llm"
	"github.com/tandemhq/tandem/server/llm/llmtest"
	"github.com/tandemhq/tandem/server/router"
)

// offlineRouter stands in for the offline router behind the fallback: it answers a fixed
// decision and counts its calls.
type offlineRouter struct{ calls int }

var offlineDecision = domain.RoutingDecision{Kind: domain.RouteSkill, Skill: domain.SkillGeneralQA, Confidence: 0.42}

func (o *offlineRouter) Route(context.Context, []domain.Message, string) (domain.RoutingDecision, error) {
	o.calls++
	return offlineDecision, nil
}

var history = []domain.Message{
	{Author: domain.AuthorVisitor, Text: "where is my order #1042?"},
	{Author: domain.AuthorAIAgent, Text: "Order #1042 shipped yesterday with UPS."},
	{Author: domain.AuthorSystem, Text: "Visitor identified"},
}

func TestRouterRoutes(t *testing.T) {
	fake, c := setup(t)
	r := llm.NewRouter(c, 0)
	fake.Script(llmtest.CallReply("route", `{"kind":"skill","skill":"order_editing","confidence":0.91,
		"alternatives":[{"skill":"order_tracking","confidence":0.05},{"skill":"returns_exchanges","confidence":0.03}]}`))
	d, err := r.Route(context.Background(), history, "can I still change the address?")
	if err != nil {
		t.Fatal(err)
	}
	want := domain.RoutingDecision{Kind: domain.RouteSkill, Skill: domain.SkillOrderEditing, Confidence: 0.91,
		Alternatives: []domain.ScoredSkill{{Skill: domain.SkillOrderTracking, Confidence: 0.05}, {Skill: domain.SkillReturnsExchanges, Confidence: 0.03}}}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("decision = %+v, want %+v", d, want)
	}

	req := fake.Requests()[0]
	// System prompt, the visitor's and the agent's messages (not the system notice),
	// then the new message.
	var roles []string
	for _, m := range req.Messages {
		roles = append(roles, m.Role)
	}
	if strings.Join(roles, ",") != "system,user,assistant,user" || *req.Messages[3].Content != "can I still change the address?" {
		t.Errorf("messages = %v", roles)
	}
	system := *req.Messages[0].Content
	for _, id := range []string{"order_tracking", "returns_exchanges", "order_editing", "subscriptions", "loyalty", "coupons_discounts", "general_qa", "product_recommendations"} {
		if !strings.Contains(system, id) {
			t.Errorf("the system prompt does not describe %s", id)
		}
	}
	var schema struct {
		Properties struct {
			Skill struct {
				Enum []string `json:"enum"`
			} `json:"skill"`
			Kind struct {
				Enum []string `json:"enum"`
			} `json:"kind"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(req.Tools[0].Function.Parameters, &schema); err != nil {
		t.Fatal(err)
	}
	if len(schema.Properties.Skill.Enum) != 8 || strings.Join(schema.Properties.Kind.Enum, ",") != "skill,human,none" {
		t.Errorf("route schema = %s", req.Tools[0].Function.Parameters)
	}
	if string(req.ToolChoice) != `{"type":"function","function":{"name":"route"}}` {
		t.Errorf("tool_choice = %s", req.ToolChoice)
	}

	// Human and none; a skill named with them is dropped, alternatives are sorted.
	fake.Script(
		llmtest.CallReply("route", `{"kind":"human","skill":"general_qa","confidence":0.97}`),
		llmtest.CallReply("route", `{"kind":"none","confidence":0.8,"alternatives":[{"skill":"loyalty","confidence":0.01},{"skill":"general_qa","confidence":0.1}]}`),
	)
	if d, err := r.Route(context.Background(), nil, "a person please"); err != nil || d.Kind != domain.RouteHuman || d.Skill != "" || d.Confidence != 0.97 {
		t.Errorf("human: %+v, %v", d, err)
	}
	d, err = r.Route(context.Background(), nil, "what's the capital of France")
	if err != nil || d.Kind != domain.RouteNone || len(d.Alternatives) != 2 || d.Alternatives[0].Skill != domain.SkillGeneralQA {
		t.Errorf("none: %+v, %v", d, err)
	}
}

func TestRouterValidatesStrictly(t *testing.T) {
	for name, reply := range map[string]llmtest.Reply{
		"unknown skill":                 llmtest.CallReply("route", `{"kind":"skill","skill":"weather","confidence":0.9}`),
		"skill kind without skill":      llmtest.CallReply("route", `{"kind":"skill","confidence":0.9}`),
		"unknown kind":                  llmtest.CallReply("route", `{"kind":"maybe","confidence":0.9}`),
		"no confidence":                 llmtest.CallReply("route", `{"kind":"none"}`),
		"confidence above 1":            llmtest.CallReply("route", `{"kind":"skill","skill":"loyalty","confidence":91}`),
		"negative confidence":           llmtest.CallReply("route", `{"kind":"skill","skill":"loyalty","confidence":-0.1}`),
		"unknown field":                 llmtest.CallReply("route", `{"kind":"skill","skill":"loyalty","confidence":0.9,"reason":"points"}`),
		"arguments not JSON":            llmtest.CallReply("route", `{"kind":"skill",`),
		"arguments a string":            llmtest.CallReply("route", `"loyalty"`),
		"two JSON values":               llmtest.CallReply("route", `{"kind":"none","confidence":0.5}{"kind":"none","confidence":0.5}`),
		"unknown alternative":           llmtest.CallReply("route", `{"kind":"skill","skill":"loyalty","confidence":0.9,"alternatives":[{"skill":"jokes","confidence":0.1}]}`),
		"alternative repeats the skill": llmtest.CallReply("route", `{"kind":"skill","skill":"loyalty","confidence":0.9,"alternatives":[{"skill":"loyalty","confidence":0.1}]}`),
		"alternative twice":             llmtest.CallReply("route", `{"kind":"none","confidence":0.9,"alternatives":[{"skill":"loyalty","confidence":0.1},{"skill":"loyalty","confidence":0.1}]}`),
		"too many alternatives": llmtest.CallReply("route", `{"kind":"none","confidence":0.9,"alternatives":[{"skill":"loyalty","confidence":0.1},
			{"skill":"general_qa","confidence":0.1},{"skill":"coupons_discounts","confidence":0.1},{"skill":"subscriptions","confidence":0.1}]}`),
		"another function": llmtest.CallReply("answer", `{"kind":"none","confidence":0.9}`),
		"text, no call":    llmtest.TextReply("That is about loyalty."),
		"cut short":        {Call: &llmtest.Call{Name: "route", Arguments: `{"kind":"none","confidence":0.9}`}, FinishReason: "length"},
	} {
		t.Run(name, func(t *testing.T) {
			fake, c := setup(t)
			fake.Script(reply)
			d, err := llm.NewRouter(c, 0).Route(context.Background(), nil, "how many points do I have")
			if domain.CodeOf(err) != domain.EUnavailable {
				t.Fatalf("Route = %+v, %v; want an unavailable error", d, err)
			}
			t.Log(err)
		})
	}
}

// TestRouterFallsBack checks that every way the endpoint can fail ends with the offline
// router's decision, one warning in the log and never the API key.
func TestRouterFallsBack(t *testing.T) {
	for name, tc := range map[string]struct {
		replies []llmtest.Reply
		key     string
	}{
		"429 until the attempts run out": {replies: []llmtest.Reply{
			{Status: http.StatusTooManyRequests, RetryAfter: "0"}, {Status: http.StatusTooManyRequests, RetryAfter: "0"}, {Status: http.StatusTooManyRequests, RetryAfter: "0"}}},
		"429 asking to wait too long": {replies: []llmtest.Reply{{Status: http.StatusTooManyRequests, RetryAfter: "60"}}},
		"500 every time":              {replies: []llmtest.Reply{{Status: 500}, {Status: 500}, {Status: 500}}},
		"slower than the timeout":     {replies: []llmtest.Reply{{Delay: 3 * time.Second, Call: &llmtest.Call{Name: "route", Arguments: `{"kind":"none","confidence":1}`}}}},
		"malformed JSON":              {replies: []llmtest.Reply{{Malformed: true}}},
		"invalid arguments":           {replies: []llmtest.Reply{llmtest.CallReply("route", `{"kind":"skill","skill":"astrology","confidence":0.9}`)}},
		"wrong API key":               {key: "sk-wrong-but-also-secret-42"},
	} {
		t.Run(name, func(t *testing.T) {
			fake := llmtest.New(t, testKey, testModel)
			fake.Script(tc.replies...)
			key := testKey
			if tc.key != "" {
				key = tc.key
			}
			c := newClient(t, llm.Config{URL: fake.BaseURL, APIKey: key, Model: testModel, MaxRetryWait: 50 * time.Millisecond})
			var logs bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			offline := &offlineRouter{}
			r := router.WithFallback(llm.NewRouter(c, 300*time.Millisecond), offline, logger)

			start := time.Now()
			d, err := r.Route(context.Background(), history, "do you ship to Canada?")
			if err != nil || !reflect.DeepEqual(d, offlineDecision) || offline.calls != 1 {
				t.Fatalf("Route = %+v, %v after %d offline calls; want the offline decision", d, err, offline.calls)
			}
			if elapsed := time.Since(start); elapsed > 2*time.Second {
				t.Errorf("falling back took %v", elapsed)
			}
			if n := strings.Count(logs.String(), "routing with the fallback"); n != 1 {
				t.Errorf("%d fallback warnings, want 1:\n%s", n, logs.String())
			}
			if strings.Contains(logs.String(), key) || strings.Contains(logs.String(), testKey) {
				t.Errorf("the API key is in the logs:\n%s", logs.String())
			}
			if fake.Remaining() != 0 {
				t.Errorf("%d scripted replies left: the client gave up too early", fake.Remaining())
			}
		})
	}

	// A healthy endpoint is not second-guessed.
	fake, c := setup(t)
	fake.Script(llmtest.CallReply("route", `{"kind":"skill","skill":"loyalty","confidence":0.88}`))
	offline := &offlineRouter{}
	d, err := router.WithFallback(llm.NewRouter(c, 0), offline, slog.New(slog.DiscardHandler)).Route(context.Background(), nil, "points?")
	if err != nil || d.Skill != domain.SkillLoyalty || offline.calls != 0 {
		t.Errorf("Route = %+v, %v, offline calls %d", d, err, offline.calls)
	}
}
