// Package llmtest is a local fake of an OpenAI-compatible chat-completions endpoint for
// tests. It checks each request the way the vendor does (method, path, bearer key, JSON
// body: model, messages, tools and their schemas, tool_choice, temperature, max_tokens)
// and refuses a malformed one with 400 and an OpenAI-style error object; a valid request
// gets the next scripted reply: a function call, a text answer, or a failure (429 with
// Retry-After, 5xx, a slow answer, a body that is not JSON).
package llmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Reply is one scripted answer. The zero Reply answers an empty text completion.
type Reply struct {
	// Call, when set, is the function call the model makes.
	Call *Call
	// Content is the answer text.
	Content string
	// FinishReason overrides the finish reason ("tool_calls" with a call, "stop"
	// otherwise).
	FinishReason string
	// Status, when not 0 or 200, answers that HTTP status with an error object.
	Status int
	// RetryAfter is the Retry-After header sent with Status.
	RetryAfter string
	// Delay holds the answer back this long (or until the client gives up).
	Delay time.Duration
	// Malformed answers 200 with a body that is not JSON.
	Malformed bool
}

// Call is a scripted function call.
type Call struct {
	// Name is the function called.
	Name string `json:"name"`
	// Arguments is the arguments JSON string, as the model writes it.
	Arguments string `json:"arguments"`
}

// CallReply is a reply calling the function with the arguments (a JSON text).
func CallReply(name, arguments string) Reply {
	return Reply{Call: &Call{Name: name, Arguments: arguments}}
}

// TextReply is a reply answering text.
func TextReply(text string) Reply { return Reply{Content: text} }

// ChatRequest is a request the fake accepted, as decoded.
type ChatRequest struct {
	Model       string          `json:"model"`
	Messages    []ChatMessage   `json:"messages"`
	Tools       []Tool          `json:"tools"`
	ToolChoice  json.RawMessage `json:"tool_choice"`
	Temperature *float64        `json:"temperature"`
	MaxTokens   *int            `json:"max_tokens"`
}

// ChatMessage is one message of a request.
type ChatMessage struct {
	Role    string  `json:"role"`
	Content *string `json:"content"`
}

// Tool is a tool definition of a request.
type Tool struct {
	Type     string `json:"type"`
	Function struct {
		Name        string          `json:"name"`
		Description string          `json:"description"`
		Parameters  json.RawMessage `json:"parameters"`
	} `json:"function"`
}

// Server is the fake endpoint. Its base URL for clients is BaseURL.
type Server struct {
	// BaseURL is what clients configure as the API base (it ends in /v1).
	BaseURL string

	t     testing.TB
	key   string
	model string
	srv   *httptest.Server

	mu       sync.Mutex
	script   []Reply
	accepted []ChatRequest
	calls    int
}

// New starts a fake that accepts the key and the model; it stops when the test ends.
func New(t testing.TB, key, model string) *Server {
	s := &Server{t: t, key: key, model: model}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.BaseURL = s.srv.URL + "/v1"
	t.Cleanup(s.srv.Close)
	return s
}

// Script appends replies to the script; each valid request consumes the next one.
func (s *Server) Script(replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, replies...)
}

// Requests returns the requests the fake accepted, in order.
func (s *Server) Requests() []ChatRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ChatRequest(nil), s.accepted...)
}

// Calls returns how many HTTP requests reached the fake, valid or not.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// Remaining returns how many scripted replies are left.
func (s *Server) Remaining() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.script)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
	if r.URL.Path != "/v1/chat/completions" {
		writeError(w, http.StatusNotFound, "invalid_request_error", "", fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path))
		return
	}
	if r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, "invalid_request_error", "", fmt.Sprintf("Invalid method for URL (%s %s)", r.Method, r.URL.Path))
		return
	}
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "Bearer ") {
		writeError(w, http.StatusUnauthorized, "invalid_request_error", "",
			"You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).")
		return
	}
	if got := strings.TrimPrefix(auth, "Bearer "); got != s.key {
		writeError(w, http.StatusUnauthorized, "invalid_request_error", "invalid_api_key",
			"Incorrect API key provided: "+mask(got)+". You can find your API key in your account settings.")
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "", "Content-Type must be application/json, got "+ct)
		return
	}
	var req ChatRequest
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "", "We could not parse the JSON body of your request: "+err.Error())
		return
	}
	if status, code, msg := s.check(req); status != 0 {
		writeError(w, status, "invalid_request_error", code, msg)
		return
	}

	s.mu.Lock()
	s.accepted = append(s.accepted, req)
	if len(s.script) == 0 {
		s.mu.Unlock()
		s.t.Errorf("llmtest: a request arrived with no scripted reply left")
		writeError(w, http.StatusInternalServerError, "server_error", "", "no scripted reply")
		return
	}
	reply := s.script[0]
	s.script = s.script[1:]
	n := len(s.accepted)
	s.mu.Unlock()

	if reply.Delay > 0 {
		select {
		case <-time.After(reply.Delay):
		case <-r.Context().Done():
			return
		}
	}
	switch {
	case reply.Status != 0 && reply.Status != http.StatusOK:
		if reply.RetryAfter != "" {
			w.Header().Set("Retry-After", reply.RetryAfter)
		}
		typ := "server_error"
		if reply.Status == http.StatusTooManyRequests {
			typ = "rate_limit_error"
		}
		writeError(w, reply.Status, typ, "", http.StatusText(reply.Status))
	case reply.Malformed:
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id": "chatcmpl-broken", "choices": [`)
	default:
		writeCompletion(w, n, s.model, reply)
	}
}

// check validates a decoded request as the vendor does; status 0 means valid.
func (s *Server) check(req ChatRequest) (status int, code, msg string) {
	if req.Model == "" {
		return http.StatusBadRequest, "", "you must provide a model parameter"
	}
	if req.Model != s.model {
		return http.StatusNotFound, "model_not_found", fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", req.Model)
	}
	if len(req.Messages) == 0 {
		return http.StatusBadRequest, "", "[] is too short - 'messages'"
	}
	for i, m := range req.Messages {
		switch m.Role {
		case "system", "user", "assistant", "developer":
		default:
			return http.StatusBadRequest, "", fmt.Sprintf("Invalid value: '%s'. Supported values are: 'system', 'assistant', 'user', 'tool', 'developer'. (messages[%d].role)", m.Role, i)
		}
		if m.Content == nil || *m.Content == "" && m.Role != "assistant" {
			return http.StatusBadRequest, "", fmt.Sprintf("Invalid value for 'content': expected a non-empty string (messages[%d].content)", i)
		}
	}
	if req.Temperature != nil && (*req.Temperature < 0 || *req.Temperature > 2) {
		return http.StatusBadRequest, "", fmt.Sprintf("%v is not in [0, 2] - 'temperature'", *req.Temperature)
	}
	if req.MaxTokens != nil && *req.MaxTokens < 1 {
		return http.StatusBadRequest, "", fmt.Sprintf("%d is less than the minimum of 1 - 'max_tokens'", *req.MaxTokens)
	}
	names := map[string]bool{}
	for i, tool := range req.Tools {
		if tool.Type != "function" {
			return http.StatusBadRequest, "", fmt.Sprintf("Invalid value: '%s'. Supported values are: 'function'. (tools[%d].type)", tool.Type, i)
		}
		if !functionName.MatchString(tool.Function.Name) {
			return http.StatusBadRequest, "", fmt.Sprintf("Invalid 'tools[%d].function.name': string does not match pattern '^[a-zA-Z0-9_-]{1,64}$'.", i)
		}
		if err := checkSchema(tool.Function.Parameters); err != nil {
			return http.StatusBadRequest, "", fmt.Sprintf("Invalid schema for function '%s': %v", tool.Function.Name, err)
		}
		names[tool.Function.Name] = true
	}
	if len(req.ToolChoice) > 0 {
		if len(req.Tools) == 0 {
			return http.StatusBadRequest, "", "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified."
		}
		var mode string
		var forced struct {
			Type     string `json:"type"`
			Function struct {
				Name string `json:"name"`
			} `json:"function"`
		}
		switch {
		case json.Unmarshal(req.ToolChoice, &mode) == nil:
			if mode != "none" && mode != "auto" && mode != "required" {
				return http.StatusBadRequest, "", fmt.Sprintf("Invalid value: '%s'. Supported values are: 'none', 'auto', and 'required'. (tool_choice)", mode)
			}
		case json.Unmarshal(req.ToolChoice, &forced) == nil && forced.Type == "function":
			if !names[forced.Function.Name] {
				return http.StatusBadRequest, "", fmt.Sprintf("Invalid value for 'tool_choice': function '%s' is not among the tools.", forced.Function.Name)
			}
		default:
			return http.StatusBadRequest, "", "Invalid type for 'tool_choice'."
		}
	}
	return 0, "", ""
}

var functionName = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// checkSchema checks what the vendor checks of a function's parameters: an object
// schema whose required names are properties and whose enums are not empty.
func checkSchema(raw json.RawMessage) error {
	var schema struct {
		Type       string                     `json:"type"`
		Properties map[string]json.RawMessage `json:"properties"`
		Required   []string                   `json:"required"`
	}
	if err := json.Unmarshal(raw, &schema); err != nil {
		return fmt.Errorf("parameters must be a JSON schema object: %v", err)
	}
	if schema.Type != "object" {
		return fmt.Errorf("schema must be a JSON Schema of 'type: \"object\"', got 'type: \"%s\"'", schema.Type)
	}
	for _, name := range schema.Required {
		if _, ok := schema.Properties[name]; !ok {
			return fmt.Errorf("'required' names '%s', which is not in 'properties'", name)
		}
	}
	for name, prop := range schema.Properties {
		var p struct {
			Type string `json:"type"`
			Enum []any  `json:"enum"`
		}
		if err := json.Unmarshal(prop, &p); err != nil {
			return fmt.Errorf("property '%s': %v", name, err)
		}
		if p.Enum != nil && len(p.Enum) == 0 {
			return fmt.Errorf("property '%s': enum must not be empty", name)
		}
	}
	return nil
}

func writeCompletion(w http.ResponseWriter, n int, model string, reply Reply) {
	type toolCall struct {
		ID       string `json:"id"`
		Type     string `json:"type"`
		Function Call   `json:"function"`
	}
	message := map[string]any{"role": "assistant", "content": nil, "refusal": nil}
	finish := "stop"
	if reply.Call != nil {
		message["tool_calls"] = []toolCall{{ID: fmt.Sprintf("call_%d", n), Type: "function", Function: *reply.Call}}
		finish = "tool_calls"
	} else {
		message["content"] = reply.Content
	}
	if reply.FinishReason != "" {
		finish = reply.FinishReason
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"id": fmt.Sprintf("chatcmpl-%d", n), "object": "chat.completion", "created": time.Now().Unix(), "model": model,
		"choices": []any{map[string]any{"index": 0, "message": message, "logprobs": nil, "finish_reason": finish}},
		"usage":   map[string]int{"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
	})
}

func writeError(w http.ResponseWriter, status int, typ, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	var c any
	if code != "" {
		c = code
	}
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": c}})
}

// mask shows a key as the vendor does in errors: its first and last characters only.
func mask(key string) string {
	if len(key) <= 8 {
		return "****"
	}
	return key[:3] + strings.Repeat("*", 4) + key[len(key)-4:]
}
