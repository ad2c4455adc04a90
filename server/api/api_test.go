package api_test

import (
	"context"
	"errors"
	"testing"

	"buf.build/go/protovalidate"
	"connectrpc.com/connect"
	"connectrpc.com/grpchealth"
	"connectrpc.com/grpcreflect"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"

	validatepb "buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"

	"github.com/tandemhq/tandem/clients/go/tandemclient"
	tandemv1 "github.com/tandemhq/tandem/gen/tandem/v1"
	"github.com/tandemhq/tandem/server/app"
	"github.com/tandemhq/tandem/server/app/apptest"
	"github.com/tandemhq/tandem/server/domain"
)

// allMethods lists every RPC of the four services.
func allMethods(t *testing.T) []protoreflect.MethodDescriptor {
	t.Helper()
	var out []protoreflect.MethodDescriptor
	for _, name := range []string{"tandem.v1.ConversationService", "tandem.v1.SkillService", "tandem.v1.HandoffService", "tandem.v1.MetricsService"} {
		d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(name))
		if err != nil {
			t.Fatalf("finding %s: %v", name, err)
		}
		methods := d.(protoreflect.ServiceDescriptor).Methods()
		for i := range methods.Len() {
			out = append(out, methods.Get(i))
		}
	}
	if len(out) != 33 {
		t.Fatalf("the contract has %d RPCs, want 33", len(out))
	}
	return out
}

// call invokes any RPC with a dynamic request and returns its error (streams: the first
// receive's error).
func call(ctx context.Context, baseURL, credential string, m protoreflect.MethodDescriptor, req proto.Message, opts ...connect.ClientOption) error {
	url := baseURL + "/" + string(m.Parent().FullName()) + "/" + string(m.Name())
	opts = append(opts, connect.WithInterceptors(tandemclient.Bearer(credential)), connect.WithResponseInitializer(func(_ connect.Spec, msg any) error {
		*(msg.(*dynamicpb.Message)) = *dynamicpb.NewMessage(m.Output())
		return nil
	}))
	c := connect.NewClient[dynamicpb.Message, dynamicpb.Message](tandemclient.HTTPClient(), url, opts...)
	dyn := dynamicpb.NewMessage(m.Input())
	b, _ := proto.Marshal(req)
	_ = proto.Unmarshal(b, dyn)
	if m.IsStreamingServer() {
		s, err := c.CallServerStream(ctx, connect.NewRequest(dyn))
		if err != nil {
			return err
		}
		defer s.Close()
		s.Receive()
		return s.Err()
	}
	_, err := c.CallUnary(ctx, connect.NewRequest(dyn))
	return err
}

func TestEveryRPCRequiresCredentials(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{})
	for _, m := range allMethods(t) {
		for proto, opts := range apptest.Protocols {
			t.Run(string(m.Name())+"/"+proto, func(t *testing.T) {
				err := call(t.Context(), env.Server.URL, "", m, dynamicpb.NewMessage(m.Input()), opts...)
				if connect.CodeOf(err) != connect.CodeUnauthenticated {
					t.Fatalf("without credentials got %v, want Unauthenticated", err)
				}
				err = call(t.Context(), env.Server.URL, "tdm_sk_notarealkey", m, dynamicpb.NewMessage(m.Input()), opts...)
				if connect.CodeOf(err) != connect.CodeUnauthenticated {
					t.Fatalf("with an unknown key got %v, want Unauthenticated", err)
				}
			})
		}
	}
}

// credentialFor returns a credential allowed to call the method.
func credentialFor(env *apptest.Env, m protoreflect.MethodDescriptor) string {
	switch m.Name() {
	case "StartConversation":
		return env.Account.Account.SiteKey
	case "SendMessage", "IdentifyVisitor":
		return env.Key(domain.RoleService)
	case "UpdateTicketStatus":
		return env.Key(domain.RoleHelpdesk)
	}
	return env.Key(domain.RoleOwner)
}

// invalidRequest returns a request the contract rejects, or nil if every request is valid.
func invalidRequest(m protoreflect.MethodDescriptor) proto.Message {
	req := dynamicpb.NewMessage(m.Input())
	if f := m.Input().Fields().ByName("page_size"); f != nil {
		req.Set(f, protoreflect.ValueOfInt32(-1))
	}
	if protovalidate.Validate(req) == nil {
		return nil
	}
	return req
}

func TestEveryRPCRejectsInvalidRequestsNamingTheField(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{})
	checked := 0
	for _, m := range allMethods(t) {
		req := invalidRequest(m)
		if req == nil {
			continue // GetHandoffSettings has no fields to get wrong.
		}
		checked++
		var want *protovalidate.ValidationError
		if !errors.As(protovalidate.Validate(req), &want) || len(want.Violations) == 0 {
			t.Fatalf("%s: expected violations", m.Name())
		}
		wantField := protovalidate.FieldPathString(want.Violations[0].Proto.GetField())
		for proto, opts := range apptest.Protocols {
			t.Run(string(m.Name())+"/"+proto, func(t *testing.T) {
				err := call(t.Context(), env.Server.URL, credentialFor(env, m), m, req, opts...)
				if connect.CodeOf(err) != connect.CodeInvalidArgument {
					t.Fatalf("got %v, want InvalidArgument", err)
				}
				if fields := violatedFields(err); !contains(fields, wantField) {
					t.Fatalf("violations name %v, want %q among them (error: %v)", fields, wantField, err)
				}
			})
		}
	}
	if checked < 30 {
		t.Fatalf("only %d RPCs had an invalid request to try", checked)
	}
}

func violatedFields(err error) []string {
	var ce *connect.Error
	if !errors.As(err, &ce) {
		return nil
	}
	var fields []string
	for _, d := range ce.Details() {
		v, derr := d.Value()
		if vs, ok := v.(*validatepb.Violations); derr == nil && ok {
			for _, viol := range vs.GetViolations() {
				fields = append(fields, protovalidate.FieldPathString(viol.GetField()))
			}
		}
	}
	return fields
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestRolesAndCredentialsAreEnforced(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{})
	ctx := t.Context()
	widget := env.Client(env.Account.Account.SiteKey)
	started, err := widget.Conversations.StartConversation(ctx, connect.NewRequest(&tandemv1.StartConversationRequest{Channel: tandemv1.Channel_CHANNEL_WEBCHAT}))
	if err != nil {
		t.Fatalf("starting a conversation: %v", err)
	}
	convID := started.Msg.Conversation.Id

	tests := []struct {
		name       string
		credential string
		call       func(c *tandemclient.Client) error
		want       connect.Code // 0 means the call succeeds
	}{
		{"analyst cannot close a conversation", env.Key(domain.RoleAnalyst), func(c *tandemclient.Client) error {
			_, err := c.Conversations.CloseConversation(ctx, connect.NewRequest(&tandemv1.CloseConversationRequest{ConversationId: convID}))
			return err
		}, connect.CodePermissionDenied},
		{"helpdesk cannot list conversations", env.Key(domain.RoleHelpdesk), func(c *tandemclient.Client) error {
			_, err := c.Conversations.ListConversations(ctx, connect.NewRequest(&tandemv1.ListConversationsRequest{}))
			return err
		}, connect.CodePermissionDenied},
		{"visitor cannot list conversations", started.Msg.VisitorToken, func(c *tandemclient.Client) error {
			_, err := c.Conversations.ListConversations(ctx, connect.NewRequest(&tandemv1.ListConversationsRequest{}))
			return err
		}, connect.CodePermissionDenied},
		{"site key cannot read a conversation", env.Account.Account.SiteKey, func(c *tandemclient.Client) error {
			_, err := c.Conversations.GetConversation(ctx, connect.NewRequest(&tandemv1.GetConversationRequest{ConversationId: convID}))
			return err
		}, connect.CodePermissionDenied},
		{"support cannot change handoff settings", env.Key(domain.RoleSupport), func(c *tandemclient.Client) error {
			_, err := c.Handoffs.UpdateHandoffSettings(ctx, connect.NewRequest(&tandemv1.UpdateHandoffSettingsRequest{Settings: &tandemv1.HandoffSettings{Method: tandemv1.HandoffMethod_HANDOFF_METHOD_HELPDESK, Destination: tandemv1.HandoffDestination_HANDOFF_DESTINATION_INBOX}}))
			return err
		}, connect.CodePermissionDenied},
		{"manager cannot open the account stream", env.Key(domain.RoleManager), func(c *tandemclient.Client) error {
			s, err := c.Conversations.StreamConversations(ctx, connect.NewRequest(&tandemv1.StreamConversationsRequest{}))
			if err == nil {
				s.Receive()
				err = s.Err()
				s.Close()
			}
			return err
		}, connect.CodePermissionDenied},
		{"admin cannot answer as the partner helpdesk", env.Key(domain.RoleAdmin), func(c *tandemclient.Client) error {
			_, err := c.Handoffs.UpdateTicketStatus(ctx, connect.NewRequest(&tandemv1.UpdateTicketStatusRequest{Ticket: &tandemv1.UpdateTicketStatusRequest_ExternalTicketId{ExternalTicketId: "1"}, Status: tandemv1.TicketStatus_TICKET_STATUS_OPEN}))
			return err
		}, connect.CodePermissionDenied},
		{"the service key reads the conversation", env.Key(domain.RoleService), func(c *tandemclient.Client) error {
			_, err := c.Conversations.GetConversation(ctx, connect.NewRequest(&tandemv1.GetConversationRequest{ConversationId: convID}))
			return err
		}, 0},
		{"the manager closes the conversation's twin", env.Key(domain.RoleManager), func(c *tandemclient.Client) error {
			twin, err := widget.Conversations.StartConversation(ctx, connect.NewRequest(&tandemv1.StartConversationRequest{Channel: tandemv1.Channel_CHANNEL_WEBCHAT}))
			if err == nil {
				_, err = c.Conversations.CloseConversation(ctx, connect.NewRequest(&tandemv1.CloseConversationRequest{ConversationId: twin.Msg.Conversation.Id}))
			}
			return err
		}, 0},
		{"owner reads the conversation", env.Key(domain.RoleOwner), func(c *tandemclient.Client) error {
			_, err := c.Conversations.GetConversation(ctx, connect.NewRequest(&tandemv1.GetConversationRequest{ConversationId: convID}))
			return err
		}, 0},
		{"malformed authorization header", "", func(*tandemclient.Client) error {
			c := tandemclient.New(env.Server.URL, "", connect.WithInterceptors(headerSetter{"Authorization", "Basic abc"}))
			_, err := c.Conversations.GetConversation(ctx, connect.NewRequest(&tandemv1.GetConversationRequest{ConversationId: convID}))
			return err
		}, connect.CodeUnauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(env.Client(tt.credential))
			if (tt.want == 0 && err != nil) || (tt.want != 0 && connect.CodeOf(err) != tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestAnotherAccountsResourcesAreNotFound(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{})
	other := env.NewAccount(t, "Other Brand")
	ctx := t.Context()
	started, err := env.Client(env.Account.Account.SiteKey).Conversations.StartConversation(ctx, connect.NewRequest(&tandemv1.StartConversationRequest{Channel: tandemv1.Channel_CHANNEL_WEBCHAT}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = env.Client(other.Secret(domain.RoleOwner)).Conversations.GetConversation(ctx, connect.NewRequest(&tandemv1.GetConversationRequest{ConversationId: started.Msg.Conversation.Id}))
	if connect.CodeOf(err) != connect.CodeNotFound {
		t.Fatalf("another account's owner got %v, want NotFound", err)
	}
}

func TestRevokedKeyIsRefused(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{})
	ctx := t.Context()
	owner := env.Client(env.Key(domain.RoleAnalyst))
	list := func() error {
		_, err := owner.Conversations.ListConversations(ctx, connect.NewRequest(&tandemv1.ListConversationsRequest{}))
		return err
	}
	if err := list(); err != nil {
		t.Fatalf("before revoking: %v", err)
	}
	var keyID string
	for _, k := range env.Account.Keys {
		if k.Role == domain.RoleAnalyst {
			keyID = k.ID
		}
	}
	if err := env.App.Store.RevokeAPIKey(ctx, env.Account.Account.ID, keyID); err != nil {
		t.Fatal(err)
	}
	if err := list(); connect.CodeOf(err) != connect.CodeUnauthenticated {
		t.Fatalf("after revoking got %v, want Unauthenticated", err)
	}
}

func TestHealthAndReflection(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{})
	ctx := t.Context()
	health := grpchealth.NewClient(tandemclient.HTTPClient(), env.Server.URL, connect.WithGRPC())
	res, err := health.Check(ctx, &grpchealth.CheckRequest{Service: "tandem.v1.ConversationService"})
	if err != nil || res.Status != grpchealth.StatusServing {
		t.Fatalf("health: %v %v, want SERVING", res, err)
	}
	if _, err := health.Check(ctx, &grpchealth.CheckRequest{Service: "nope.v1.Nope"}); connect.CodeOf(err) != connect.CodeNotFound {
		t.Fatalf("health of an unknown service: %v, want NotFound", err)
	}
	refl := grpcreflect.NewClient(tandemclient.HTTPClient(), env.Server.URL)
	stream := refl.NewStream(ctx)
	defer stream.Close()
	names, err := stream.ListServices()
	if err != nil {
		t.Fatalf("reflection: %v", err)
	}
	got := map[string]bool{}
	for _, n := range names {
		got[string(n)] = true
	}
	for _, want := range []string{"tandem.v1.ConversationService", "tandem.v1.SkillService", "tandem.v1.HandoffService", "tandem.v1.MetricsService"} {
		if !got[want] {
			t.Errorf("reflection lists %v, missing %s", names, want)
		}
	}
}

type headerSetter struct{ key, value string }

func (h headerSetter) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		req.Header().Set(h.key, h.value)
		return next(ctx, req)
	}
}

func (h headerSetter) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (h headerSetter) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return next
}
