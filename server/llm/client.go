// Package llm is Tandem's optional LLM path: a client for an OpenAI-compatible
// chat-completions endpoint, a Router that classifies visitor messages by a forced
// function call, and a Responder that phrases a skill's answer from the skill's facts.
//
// Nothing here is needed to run Tandem: with no endpoint configured the agent routes with
// the offline classifier and answers with its templates. When an endpoint is configured,
// the offline path stays the fallback whenever the endpoint fails, is slow or answers
// something that does not validate.
package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/server/domain"
)

// Config says which endpoint to call. The zero Config is "not configured".
type Config struct {
	// URL is the API base, such as https://api.openai.com/v1; the client posts to
	// URL + "/chat/completions".
	URL string
	// APIKey is sent as a bearer token. It is never logged.
	APIKey string
	// Model is the model name sent with every request.
	Model string
	// Timeout bounds one HTTP attempt (default 10s); callers bound the whole call with
	// their context.
	Timeout time.Duration
	// MaxAttempts is how many times a request is tried when the endpoint answers 429 or
	// 5xx (default 3).
	MaxAttempts int
	// MaxRetryWait is the longest the client waits before a retry, even if Retry-After
	// asks for more (default 2s); a longer Retry-After ends the call at once.
	MaxRetryWait time.Duration
}

// Configured reports whether an endpoint is set.
func (c Config) Configured() bool { return c.URL != "" }

// Validate reports what is missing or malformed in a configured Config.
func (c Config) Validate() error {
	if !c.Configured() {
		return nil
	}
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return domain.Errorf(domain.EInvalid, "the LLM URL %q is not an http(s) address such as https://api.openai.com/v1", c.URL)
	}
	if c.Model == "" {
		return domain.Errorf(domain.EInvalid, "an LLM URL is set but no model: set the LLM model too")
	}
	return nil
}

// LogValue shows the endpoint and model and whether a key is set, never the key.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("url", c.URL), slog.String("model", c.Model),
		slog.Bool("api_key_set", c.APIKey != ""))
}

// Client calls an OpenAI-compatible chat-completions endpoint. It is safe for concurrent
// use.
type Client struct {
	cfg  Config
	http *http.Client
	// endpoint is the chat-completions URL.
	endpoint string
}

// New returns a client for a configured, valid Config.
func New(cfg Config) (*Client, error) {
	if !cfg.Configured() {
		return nil, domain.Errorf(domain.EInvalid, "no LLM URL is configured")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 3
	}
	if cfg.MaxRetryWait <= 0 {
		cfg.MaxRetryWait = 2 * time.Second
	}
	return &Client{
		cfg:      cfg,
		http:     &http.Client{Timeout: cfg.Timeout},
		endpoint: strings.TrimRight(cfg.URL, "/") + "/chat/completions",
	}, nil
}

// Message is one chat message of a request.
type Message struct {
	// Role is "system", "user" or "assistant".
	Role string `json:"role"`
	// Content is the message text.
	Content string `json:"content"`
}

// The message roles.
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

// Function is a function the model may call, with its arguments' JSON schema.
type Function struct {
	// Name is the function's name.
	Name string `json:"name"`
	// Description tells the model when and how to call it.
	Description string `json:"description,omitempty"`
	// Parameters is the JSON schema of the arguments (an object schema).
	Parameters json.RawMessage `json:"parameters"`
}

// Request is one chat completion request. Temperature is always 0.
type Request struct {
	// Messages are the conversation, system prompt first.
	Messages []Message
	// Functions are the tools offered to the model.
	Functions []Function
	// ForceFunction, when set, names the function the model must call.
	ForceFunction string
	// MaxTokens caps the answer's length.
	MaxTokens int
}

// ToolCall is a function call the model made.
type ToolCall struct {
	// ID identifies the call.
	ID string
	// Name is the function called.
	Name string
	// Arguments is the JSON object of arguments, as the model wrote it.
	Arguments string
}

// Usage is the token count the endpoint reports.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// Response is the first choice of a chat completion.
type Response struct {
	// Content is the answer text (empty when the model only called functions).
	Content string
	// ToolCalls are the model's function calls.
	ToolCalls []ToolCall
	// FinishReason is why the model stopped: "stop", "tool_calls", "length",
	// "content_filter".
	FinishReason string
	// Usage is the token count.
	Usage Usage
}

// Wire shapes of the chat-completions API.
type (
	wireTool struct {
		Type     string   `json:"type"`
		Function Function `json:"function"`
	}
	wireToolChoice struct {
		Type     string `json:"type"`
		Function struct {
			Name string `json:"name"`
		} `json:"function"`
	}
	wireRequest struct {
		Model       string          `json:"model"`
		Messages    []Message       `json:"messages"`
		Tools       []wireTool      `json:"tools,omitempty"`
		ToolChoice  *wireToolChoice `json:"tool_choice,omitempty"`
		Temperature float64         `json:"temperature"`
		MaxTokens   int             `json:"max_tokens,omitempty"`
	}
	wireToolCall struct {
		ID       string `json:"id"`
		Type     string `json:"type"`
		Function struct {
			Name      string `json:"name"`
			Arguments string `json:"arguments"`
		} `json:"function"`
	}
	wireResponse struct {
		Choices []struct {
			Message struct {
				Content   *string        `json:"content"`
				ToolCalls []wireToolCall `json:"tool_calls"`
			} `json:"message"`
			FinishReason string `json:"finish_reason"`
		} `json:"choices"`
		Usage Usage `json:"usage"`
	}
	wireError struct {
		Error *struct {
			Message string `json:"message"`
			Type    string `json:"type"`
			Code    any    `json:"code"`
		} `json:"error"`
	}
)

// maxResponseBytes caps what the client reads of an answer.
const maxResponseBytes = 1 << 20

// Complete sends the request and returns the first choice. Every failure is EUnavailable
// with a message a person can act on (RetryAfter set when the endpoint asked to wait):
// the endpoint unreachable or slow, an HTTP error (429 and 5xx are retried up to
// MaxAttempts), or an answer that is not a chat completion.
func (c *Client) Complete(ctx context.Context, r Request) (Response, error) {
	body, err := json.Marshal(c.wire(r))
	if err != nil {
		return Response{}, fmt.Errorf("encoding the LLM request: %w", err)
	}
	for attempt := 1; ; attempt++ {
		res, wait, err := c.attempt(ctx, body)
		if err == nil {
			return res, nil
		}
		if wait < 0 || attempt >= c.cfg.MaxAttempts || ctx.Err() != nil {
			return Response{}, err
		}
		if wait > c.cfg.MaxRetryWait {
			var de *domain.Error
			if errors.As(err, &de) {
				de.RetryAfter = wait
			}
			return Response{}, err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return Response{}, unavailable("the LLM call was cancelled while waiting to retry: %v", ctx.Err())
		case <-t.C:
		}
	}
}

func (c *Client) wire(r Request) wireRequest {
	w := wireRequest{Model: c.cfg.Model, Messages: r.Messages, MaxTokens: r.MaxTokens}
	for _, f := range r.Functions {
		w.Tools = append(w.Tools, wireTool{Type: "function", Function: f})
	}
	if r.ForceFunction != "" {
		w.ToolChoice = &wireToolChoice{Type: "function"}
		w.ToolChoice.Function.Name = r.ForceFunction
	}
	return w
}

// attempt makes one HTTP call. wait is how long to wait before retrying, or negative
// when the error is not worth retrying.
func (c *Client) attempt(ctx context.Context, body []byte) (res Response, wait time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return Response{}, -1, unavailable("building the LLM request: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.cfg.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		// The error names the URL, never the headers.
		return Response{}, min(200*time.Millisecond, c.cfg.MaxRetryWait), unavailable("the LLM endpoint did not answer: %v", c.redact(err.Error()))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return Response{}, min(200*time.Millisecond, c.cfg.MaxRetryWait), unavailable("reading the LLM answer: %v", err)
	}
	if resp.StatusCode != http.StatusOK {
		msg := c.redact(errorMessage(data))
		switch {
		case resp.StatusCode == http.StatusTooManyRequests:
			return Response{}, retryAfter(resp.Header.Get("Retry-After"), min(time.Second, c.cfg.MaxRetryWait)),
				unavailable("the LLM endpoint is rate limiting us (429): %s", msg)
		case resp.StatusCode >= 500:
			return Response{}, retryAfter(resp.Header.Get("Retry-After"), min(300*time.Millisecond, c.cfg.MaxRetryWait)),
				unavailable("the LLM endpoint failed (%d): %s", resp.StatusCode, msg)
		case resp.StatusCode == http.StatusUnauthorized, resp.StatusCode == http.StatusForbidden:
			return Response{}, -1, unavailable("the LLM endpoint refused the API key (%d): %s (check the LLM API key)", resp.StatusCode, msg)
		default:
			return Response{}, -1, unavailable("the LLM endpoint rejected the request (%d): %s", resp.StatusCode, msg)
		}
	}
	var w wireResponse
	if err := json.Unmarshal(data, &w); err != nil {
		return Response{}, -1, unavailable("the LLM endpoint answered something that is not a chat completion: %v", err)
	}
	if len(w.Choices) == 0 {
		return Response{}, -1, unavailable("the LLM endpoint answered no choices")
	}
	ch := w.Choices[0]
	res = Response{FinishReason: ch.FinishReason, Usage: w.Usage}
	if ch.Message.Content != nil {
		res.Content = *ch.Message.Content
	}
	for _, tc := range ch.Message.ToolCalls {
		res.ToolCalls = append(res.ToolCalls, ToolCall{ID: tc.ID, Name: tc.Function.Name, Arguments: tc.Function.Arguments})
	}
	return res, 0, nil
}

// redact removes the API key from text that might echo it.
func (c *Client) redact(s string) string {
	if c.cfg.APIKey == "" {
		return s
	}
	return strings.ReplaceAll(s, c.cfg.APIKey, "[redacted]")
}

// errorMessage returns the message of an OpenAI-style error object, or the start of the
// body.
func errorMessage(body []byte) string {
	var e wireError
	if json.Unmarshal(body, &e) == nil && e.Error != nil && e.Error.Message != "" {
		return e.Error.Message
	}
	const maxLen = 200
	s := strings.TrimSpace(string(body))
	if len(s) > maxLen {
		s = s[:maxLen] + "…"
	}
	if s == "" {
		s = "no details"
	}
	return s
}

// retryAfter parses a Retry-After header (seconds or an HTTP date), or returns fallback
// when there is none.
func retryAfter(h string, fallback time.Duration) time.Duration {
	if h == "" {
		return fallback
	}
	if s, err := strconv.ParseFloat(h, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(time.Until(t), 0)
	}
	return fallback
}

func unavailable(format string, args ...any) *domain.Error {
	return domain.Errorf(domain.EUnavailable, format, args...)
}
