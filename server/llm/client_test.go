package llm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/llm"
	"github.com/tandemhq/tandem/server/llm/llmtest"
)

const (
	testKey   = "sk-test-0123456789abcdef-secret"
	testModel = "gpt-test-mini"
)

// setup starts a fake endpoint and a client for it with short waits.
func setup(t *testing.T) (*llmtest.Server, *llm.Client) {
	t.Helper()
	fake := llmtest.New(t, testKey, testModel)
	return fake, newClient(t, llm.Config{URL: fake.BaseURL, APIKey: testKey, Model: testModel})
}

func newClient(t *testing.T, cfg llm.Config) *llm.Client {
	t.Helper()
	if cfg.Timeout == 0 {
		cfg.Timeout = 2 * time.Second
	}
	if cfg.MaxRetryWait == 0 {
		cfg.MaxRetryWait = 500 * time.Millisecond
	}
	c, err := llm.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var echoFunction = llm.Function{
	Name:        "echo",
	Description: "Echo a word.",
	Parameters:  json.RawMessage(`{"type":"object","properties":{"word":{"type":"string"}},"required":["word"]}`),
}

func TestCompleteSendsWhatTheVendorExpects(t *testing.T) {
	fake, c := setup(t)
	fake.Script(llmtest.CallReply("echo", `{"word":"hi"}`))
	res, err := c.Complete(context.Background(), llm.Request{
		Messages:      []llm.Message{{Role: llm.RoleSystem, Content: "Be brief."}, {Role: llm.RoleUser, Content: "Say hi"}},
		Functions:     []llm.Function{echoFunction},
		ForceFunction: "echo",
		MaxTokens:     50,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.ToolCalls) != 1 || res.ToolCalls[0].Name != "echo" || res.ToolCalls[0].Arguments != `{"word":"hi"}` || res.ToolCalls[0].ID == "" {
		t.Errorf("tool calls = %+v", res.ToolCalls)
	}
	if res.FinishReason != "tool_calls" || res.Usage.TotalTokens != 120 {
		t.Errorf("finish %q, usage %+v", res.FinishReason, res.Usage)
	}
	reqs := fake.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests accepted", len(reqs))
	}
	r := reqs[0]
	if r.Model != testModel || len(r.Messages) != 2 || *r.Messages[1].Content != "Say hi" {
		t.Errorf("request = %+v", r)
	}
	if r.Temperature == nil || *r.Temperature != 0 || r.MaxTokens == nil || *r.MaxTokens != 50 {
		t.Errorf("temperature %v, max_tokens %v", r.Temperature, r.MaxTokens)
	}
	if string(r.ToolChoice) != `{"type":"function","function":{"name":"echo"}}` {
		t.Errorf("tool_choice = %s", r.ToolChoice)
	}
	if len(r.Tools) != 1 || r.Tools[0].Type != "function" || r.Tools[0].Function.Name != "echo" {
		t.Errorf("tools = %+v", r.Tools)
	}

	fake.Script(llmtest.TextReply("Hello there"))
	res, err = c.Complete(context.Background(), llm.Request{Messages: []llm.Message{{Role: llm.RoleUser, Content: "Say hi"}}})
	if err != nil || res.Content != "Hello there" || res.FinishReason != "stop" || len(res.ToolCalls) != 0 {
		t.Errorf("text completion = %+v, %v", res, err)
	}
}

// TestFakeRefusesMalformedRequests keeps the fake honest: what the vendor refuses, it
// refuses, and the client reports it as unavailable without retrying.
func TestFakeRefusesMalformedRequests(t *testing.T) {
	fake := llmtest.New(t, testKey, testModel)
	for name, tc := range map[string]struct {
		cfg llm.Config
		req llm.Request
	}{
		"wrong key":     {llm.Config{APIKey: "sk-wrong-key-000000", Model: testModel}, llm.Request{Messages: []llm.Message{{Role: "user", Content: "hi"}}}},
		"no key":        {llm.Config{Model: testModel}, llm.Request{Messages: []llm.Message{{Role: "user", Content: "hi"}}}},
		"unknown model": {llm.Config{APIKey: testKey, Model: "nope"}, llm.Request{Messages: []llm.Message{{Role: "user", Content: "hi"}}}},
		"no messages":   {llm.Config{APIKey: testKey, Model: testModel}, llm.Request{}},
		"bad role":      {llm.Config{APIKey: testKey, Model: testModel}, llm.Request{Messages: []llm.Message{{Role: "robot", Content: "hi"}}}},
		"empty content": {llm.Config{APIKey: testKey, Model: testModel}, llm.Request{Messages: []llm.Message{{Role: "user"}}}},
		"forced function not offered": {llm.Config{APIKey: testKey, Model: testModel},
			llm.Request{Messages: []llm.Message{{Role: "user", Content: "hi"}}, Functions: []llm.Function{echoFunction}, ForceFunction: "route"}},
		"forced function without tools": {llm.Config{APIKey: testKey, Model: testModel},
			llm.Request{Messages: []llm.Message{{Role: "user", Content: "hi"}}, ForceFunction: "echo"}},
		"schema not an object": {llm.Config{APIKey: testKey, Model: testModel},
			llm.Request{Messages: []llm.Message{{Role: "user", Content: "hi"}}, Functions: []llm.Function{{Name: "f", Parameters: json.RawMessage(`{"type":"string"}`)}}}},
		"required not a property": {llm.Config{APIKey: testKey, Model: testModel},
			llm.Request{Messages: []llm.Message{{Role: "user", Content: "hi"}}, Functions: []llm.Function{{Name: "f", Parameters: json.RawMessage(`{"type":"object","properties":{},"required":["x"]}`)}}}},
		"bad function name": {llm.Config{APIKey: testKey, Model: testModel},
			llm.Request{Messages: []llm.Message{{Role: "user", Content: "hi"}}, Functions: []llm.Function{{Name: "route me", Parameters: echoFunction.Parameters}}}},
	} {
		t.Run(name, func(t *testing.T) {
			tc.cfg.URL = fake.BaseURL
			before := fake.Calls()
			_, err := newClient(t, tc.cfg).Complete(context.Background(), tc.req)
			if domain.CodeOf(err) != domain.EUnavailable {
				t.Fatalf("err = %v (%s), want unavailable", err, domain.CodeOf(err))
			}
			if calls := fake.Calls() - before; calls != 1 {
				t.Errorf("%d calls, want 1 (a refused request is not retried)", calls)
			}
			t.Log(err)
		})
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("the fake accepted %d malformed requests", n)
	}
}

func TestCompleteRetries(t *testing.T) {
	hi := llm.Request{Messages: []llm.Message{{Role: llm.RoleUser, Content: "hi"}}}
	t.Run("429 with Retry-After, then success", func(t *testing.T) {
		fake, c := setup(t)
		fake.Script(llmtest.Reply{Status: http.StatusTooManyRequests, RetryAfter: "0.2"}, llmtest.TextReply("ok"))
		start := time.Now()
		res, err := c.Complete(context.Background(), hi)
		if err != nil || res.Content != "ok" {
			t.Fatalf("res %+v, err %v", res, err)
		}
		if waited := time.Since(start); waited < 200*time.Millisecond {
			t.Errorf("retried after %v, before Retry-After's 200ms", waited)
		}
	})
	t.Run("500 then success", func(t *testing.T) {
		fake, c := setup(t)
		fake.Script(llmtest.Reply{Status: http.StatusInternalServerError}, llmtest.Reply{Status: http.StatusBadGateway}, llmtest.TextReply("ok"))
		if res, err := c.Complete(context.Background(), hi); err != nil || res.Content != "ok" {
			t.Fatalf("res %+v, err %v", res, err)
		}
	})
	t.Run("5xx every time: bounded", func(t *testing.T) {
		fake, c := setup(t)
		fake.Script(llmtest.Reply{Status: 503}, llmtest.Reply{Status: 503}, llmtest.Reply{Status: 503})
		_, err := c.Complete(context.Background(), hi)
		if domain.CodeOf(err) != domain.EUnavailable || fake.Calls() != 3 {
			t.Fatalf("err %v after %d calls, want unavailable after 3", err, fake.Calls())
		}
	})
	t.Run("Retry-After longer than the client waits", func(t *testing.T) {
		fake, c := setup(t)
		fake.Script(llmtest.Reply{Status: http.StatusTooManyRequests, RetryAfter: "30"})
		start := time.Now()
		_, err := c.Complete(context.Background(), hi)
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.EUnavailable || de.RetryAfter != 30*time.Second {
			t.Fatalf("err = %#v, want unavailable with RetryAfter 30s", err)
		}
		if time.Since(start) > time.Second || fake.Calls() != 1 {
			t.Errorf("waited %v, %d calls: it should give up at once", time.Since(start), fake.Calls())
		}
	})
	t.Run("slow answer", func(t *testing.T) {
		fake := llmtest.New(t, testKey, testModel)
		c := newClient(t, llm.Config{URL: fake.BaseURL, APIKey: testKey, Model: testModel, Timeout: 100 * time.Millisecond, MaxAttempts: 1})
		fake.Script(llmtest.Reply{Delay: 2 * time.Second, Content: "late"})
		start := time.Now()
		_, err := c.Complete(context.Background(), hi)
		if domain.CodeOf(err) != domain.EUnavailable || time.Since(start) > time.Second {
			t.Fatalf("err %v after %v, want unavailable after the 100ms timeout", err, time.Since(start))
		}
	})
	t.Run("malformed JSON is not retried", func(t *testing.T) {
		fake, c := setup(t)
		fake.Script(llmtest.Reply{Malformed: true})
		_, err := c.Complete(context.Background(), hi)
		if domain.CodeOf(err) != domain.EUnavailable || fake.Calls() != 1 {
			t.Fatalf("err %v after %d calls", err, fake.Calls())
		}
	})
	t.Run("endpoint unreachable", func(t *testing.T) {
		c := newClient(t, llm.Config{URL: "http://127.0.0.1:1/v1", APIKey: testKey, Model: testModel, MaxAttempts: 2})
		if _, err := c.Complete(context.Background(), hi); domain.CodeOf(err) != domain.EUnavailable {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestConfig(t *testing.T) {
	if (llm.Config{}).Configured() {
		t.Error("the zero Config is configured")
	}
	if _, err := llm.New(llm.Config{}); domain.CodeOf(err) != domain.EInvalid {
		t.Errorf("New(zero) = %v", err)
	}
	for _, cfg := range []llm.Config{
		{URL: "api.openai.com/v1", Model: "m"},
		{URL: "ftp://x/v1", Model: "m"},
		{URL: "https://api.openai.com/v1"},
	} {
		if err := cfg.Validate(); domain.CodeOf(err) != domain.EInvalid {
			t.Errorf("Validate(%+v) = %v, want invalid", cfg, err)
		}
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("configured", "llm", llm.Config{URL: "https://x/v1", APIKey: testKey, Model: "m"})
	if strings.Contains(buf.String(), testKey) || !strings.Contains(buf.String(), `"api_key_set":true`) {
		t.Errorf("logged config: %s", buf.String())
	}
}
