package api_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/protobuf/proto"

	"github.com/tandemhq/tandem/clients/go/tandemclient"
	tandemv1 "github.com/tandemhq/tandem/gen/tandem/v1"
	"github.com/tandemhq/tandem/gen/tandem/v1/tandemv1connect"
	"github.com/tandemhq/tandem/server/accountcache"
	"github.com/tandemhq/tandem/server/app"
	"github.com/tandemhq/tandem/server/app/apptest"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/integration"
	"github.com/tandemhq/tandem/server/tools/shopify/shopifytest"
)

// skillsOf is a SkillService client with the account's key of the role.
func skillsOf(env *apptest.Env, r domain.Role) tandemv1connect.SkillServiceClient {
	return env.Client(env.Key(r)).Skills
}

// skillState is one skill's status and missing prerequisites as ListSkills shows them.
type skillState struct {
	status  tandemv1.SkillStatus
	reason  string
	missing []tandemv1.Prerequisite
}

func listSkills(t *testing.T, c tandemv1connect.SkillServiceClient) map[tandemv1.SkillId]skillState {
	t.Helper()
	res, err := c.ListSkills(t.Context(), connect.NewRequest(&tandemv1.ListSkillsRequest{}))
	if err != nil {
		t.Fatalf("ListSkills: %v", err)
	}
	if len(res.Msg.Skills) != 8 || res.Msg.NextPageToken != "" {
		t.Fatalf("ListSkills returned %d skills and token %q, want the 8 on one page", len(res.Msg.Skills), res.Msg.NextPageToken)
	}
	out := map[tandemv1.SkillId]skillState{}
	for _, s := range res.Msg.Skills {
		out[s.Id] = skillState{s.Status, s.UnavailableReason, s.MissingPrerequisites}
	}
	return out
}

func live(states map[tandemv1.SkillId]skillState) []tandemv1.SkillId {
	var out []tandemv1.SkillId
	for id, s := range states {
		if s.status == tandemv1.SkillStatus_SKILL_STATUS_LIVE {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

func connectProvider(t *testing.T, c tandemv1connect.SkillServiceClient, req *tandemv1.ConnectIntegrationRequest) *tandemv1.Integration {
	t.Helper()
	res, err := c.ConnectIntegration(t.Context(), connect.NewRequest(req))
	if err != nil {
		t.Fatalf("ConnectIntegration(%v): %v", req.Provider, err)
	}
	return res.Msg.Integration
}

func apiKey(p tandemv1.IntegrationProvider, key string) *tandemv1.ConnectIntegrationRequest {
	return &tandemv1.ConnectIntegrationRequest{Provider: p, Credentials: &tandemv1.ConnectIntegrationRequest_ApiKey{ApiKey: &tandemv1.ApiKeyCredentials{ApiKey: key}}}
}

func createArticle(t *testing.T, c tandemv1connect.SkillServiceClient, title, body string, topic tandemv1.KnowledgeTopic) *tandemv1.KnowledgeArticle {
	t.Helper()
	res, err := c.CreateKnowledgeArticle(t.Context(), connect.NewRequest(&tandemv1.CreateKnowledgeArticleRequest{Title: title, Body: body, Topic: topic}))
	if err != nil {
		t.Fatalf("CreateKnowledgeArticle(%q): %v", title, err)
	}
	return res.Msg.Article
}

func TestSkillStatusFollowsIntegrationsAndKnowledge(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{})
	c := skillsOf(env, domain.RoleOwner)

	// Nothing connected, no knowledge: every skill is unavailable and says why.
	want := map[tandemv1.SkillId]string{
		tandemv1.SkillId_SKILL_ID_RETURNS_EXCHANGES:       "Requires Customer Hub; connect a returns provider (Loop, AfterShip); add a returns & exchange policy to the knowledge base",
		tandemv1.SkillId_SKILL_ID_ORDER_EDITING:           "Requires Customer Hub; connect Shopify; add an order edit & cancel policy to the knowledge base",
		tandemv1.SkillId_SKILL_ID_SUBSCRIPTIONS:           "Requires Customer Hub; connect a subscription provider; add a subscription policy to the knowledge base",
		tandemv1.SkillId_SKILL_ID_LOYALTY:                 "Requires Customer Hub; connect a loyalty provider; add your loyalty program details to the knowledge base",
		tandemv1.SkillId_SKILL_ID_ORDER_TRACKING:          "Connect Shopify",
		tandemv1.SkillId_SKILL_ID_COUPONS_DISCOUNTS:       "Add coupon & discount info to the knowledge base",
		tandemv1.SkillId_SKILL_ID_GENERAL_QA:              "Add FAQ or knowledge articles to the knowledge base",
		tandemv1.SkillId_SKILL_ID_PRODUCT_RECOMMENDATIONS: "Sync the product catalog",
	}
	for id, s := range listSkills(t, c) {
		if s.status != tandemv1.SkillStatus_SKILL_STATUS_UNAVAILABLE || s.reason != want[id] {
			t.Errorf("%v: %v %q, want UNAVAILABLE %q", id, s.status, s.reason, want[id])
		}
	}
	got, err := c.GetSkill(t.Context(), connect.NewRequest(&tandemv1.GetSkillRequest{SkillId: tandemv1.SkillId_SKILL_ID_RETURNS_EXCHANGES}))
	if err != nil {
		t.Fatal(err)
	}
	if m := got.Msg.Skill.MissingPrerequisites; !slices.Equal(m, []tandemv1.Prerequisite{
		tandemv1.Prerequisite_PREREQUISITE_CUSTOMER_HUB, tandemv1.Prerequisite_PREREQUISITE_RETURNS_PROVIDER, tandemv1.Prerequisite_PREREQUISITE_RETURNS_POLICY,
	}) || got.Msg.Skill.Name != "Returns & exchanges" || len(got.Msg.Skill.Tools) != 4 {
		t.Errorf("GetSkill(returns) = %v", got.Msg.Skill)
	}

	// Each step supplies what is missing, and the skills it completes go live at once.
	P := tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_SHOPIFY
	// Connecting Shopify checks the credentials with (a fake) Shopify.
	shop := shopifytest.New(t)
	steps := []struct {
		name    string
		do      func()
		newLive []tandemv1.SkillId
	}{
		{"connect Shopify", func() {
			connectProvider(t, c, &tandemv1.ConnectIntegrationRequest{Provider: P, ApiBaseUrl: shop.URL, Credentials: &tandemv1.ConnectIntegrationRequest_Shopify{
				Shopify: &tandemv1.ShopifyCredentials{ShopDomain: shopifytest.ShopDomain, AccessToken: shopifytest.AccessToken}}})
		}, []tandemv1.SkillId{tandemv1.SkillId_SKILL_ID_ORDER_TRACKING}},
		{"add a FAQ", func() {
			createArticle(t, c, "Contact us", "Chat daily 8 am-8 pm ET.", tandemv1.KnowledgeTopic_KNOWLEDGE_TOPIC_FAQ)
		}, []tandemv1.SkillId{tandemv1.SkillId_SKILL_ID_GENERAL_QA}},
		{"add coupon info", func() {
			createArticle(t, c, "Promotions", "One code per order.", tandemv1.KnowledgeTopic_KNOWLEDGE_TOPIC_COUPONS)
		}, []tandemv1.SkillId{tandemv1.SkillId_SKILL_ID_COUPONS_DISCOUNTS}},
		{"sync the product catalog", func() {
			connectProvider(t, c, apiKey(tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_PRODUCT_CATALOG, "catalog-key-123"))
		}, []tandemv1.SkillId{tandemv1.SkillId_SKILL_ID_PRODUCT_RECOMMENDATIONS}},
		{"connect Customer Hub", func() {
			connectProvider(t, c, &tandemv1.ConnectIntegrationRequest{Provider: tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_CUSTOMER_HUB})
		}, nil},
		{"add an order edit policy", func() {
			createArticle(t, c, "Changing an order", "Until it is packed.", tandemv1.KnowledgeTopic_KNOWLEDGE_TOPIC_ORDER_EDIT_POLICY)
		}, []tandemv1.SkillId{tandemv1.SkillId_SKILL_ID_ORDER_EDITING}},
		{"connect Loop", func() {
			connectProvider(t, c, apiKey(tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_LOOP, "loop-key-123"))
		}, nil},
		{"add a returns policy", func() {
			createArticle(t, c, "Returns", "30 days from delivery.", tandemv1.KnowledgeTopic_KNOWLEDGE_TOPIC_RETURNS_POLICY)
		}, []tandemv1.SkillId{tandemv1.SkillId_SKILL_ID_RETURNS_EXCHANGES}},
		{"connect Recharge and add a subscription policy", func() {
			connectProvider(t, c, apiKey(tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_RECHARGE, "recharge-key-123"))
			createArticle(t, c, "Refill Club", "Skip or pause any time.", tandemv1.KnowledgeTopic_KNOWLEDGE_TOPIC_SUBSCRIPTION_POLICY)
		}, []tandemv1.SkillId{tandemv1.SkillId_SKILL_ID_SUBSCRIPTIONS}},
		{"connect Smile and describe the loyalty program", func() {
			connectProvider(t, c, apiKey(tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_SMILE, "smile-key-123"))
			createArticle(t, c, "Summit Rewards", "1 point per $1.", tandemv1.KnowledgeTopic_KNOWLEDGE_TOPIC_LOYALTY_PROGRAM)
		}, []tandemv1.SkillId{tandemv1.SkillId_SKILL_ID_LOYALTY}},
	}
	var wantLive []tandemv1.SkillId
	for _, st := range steps {
		st.do()
		wantLive = append(wantLive, st.newLive...)
		slices.Sort(wantLive)
		if got := live(listSkills(t, c)); !slices.Equal(got, wantLive) {
			t.Fatalf("after %s: live %v, want %v", st.name, got, wantLive)
		}
	}

	// Disconnecting Customer Hub takes the four skills that need it down again.
	if _, err := c.DisconnectIntegration(t.Context(), connect.NewRequest(&tandemv1.DisconnectIntegrationRequest{
		Provider: tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_CUSTOMER_HUB})); err != nil {
		t.Fatal(err)
	}
	states := listSkills(t, c)
	for _, id := range []tandemv1.SkillId{tandemv1.SkillId_SKILL_ID_RETURNS_EXCHANGES, tandemv1.SkillId_SKILL_ID_ORDER_EDITING,
		tandemv1.SkillId_SKILL_ID_SUBSCRIPTIONS, tandemv1.SkillId_SKILL_ID_LOYALTY} {
		s := states[id]
		if s.status != tandemv1.SkillStatus_SKILL_STATUS_UNAVAILABLE || s.reason != "Requires Customer Hub" ||
			!slices.Equal(s.missing, []tandemv1.Prerequisite{tandemv1.Prerequisite_PREREQUISITE_CUSTOMER_HUB}) {
			t.Errorf("%v after disconnecting Customer Hub: %+v", id, s)
		}
	}
	if got := len(live(states)); got != 4 {
		t.Errorf("%d skills live after disconnecting Customer Hub, want 4", got)
	}

	// The demo store alone stands in for every shop system.
	other := env.NewAccount(t, "Demo Brand")
	oc := env.Client(other.Secret(domain.RoleOwner)).Skills
	demo := connectProvider(t, oc, &tandemv1.ConnectIntegrationRequest{Provider: tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_DEMO_STORE})
	if len(demo.Satisfies) != 5 || !demo.Connected {
		t.Errorf("demo store = %v, want connected satisfying 5 prerequisites", demo)
	}
	if got := live(listSkills(t, oc)); !slices.Equal(got, []tandemv1.SkillId{tandemv1.SkillId_SKILL_ID_ORDER_TRACKING, tandemv1.SkillId_SKILL_ID_PRODUCT_RECOMMENDATIONS}) {
		t.Errorf("with the demo store alone, live = %v", got)
	}
}

// scriptedAgent answers every turn with one message from its skill and records the turns.
type scriptedAgent struct {
	skill domain.SkillID
	mu    sync.Mutex
	turns []domain.Turn
}

func (a *scriptedAgent) Respond(_ context.Context, t domain.Turn) (domain.Reply, error) {
	a.mu.Lock()
	a.turns = append(a.turns, t)
	a.mu.Unlock()
	return domain.Reply{
		Messages: []domain.Message{{Author: domain.AuthorAIAgent, Text: "Your order #1042 is on its way."}},
		Skill:    a.skill,
		Decision: domain.RoutingDecision{Kind: domain.RouteSkill, Skill: a.skill, Confidence: 0.9,
			Alternatives: []domain.ScoredSkill{{Skill: domain.SkillReturnsExchanges, Confidence: 0.05}}},
		Outcome: domain.TurnHandoff,
		Handoff: &domain.SoftHandoff{Reason: domain.HandoffToolFailure, Question: t.Message.Text, Skill: a.skill},
	}, nil
}

func TestSkillVolumeAndPreviewMessage(t *testing.T) {
	t.Parallel()
	agent := &scriptedAgent{skill: domain.SkillOrderTracking}
	env := apptest.New(t, app.Options{Agent: agent})
	for range 2 {
		ch := startChat(t, env, "")
		for j := range 2 {
			if _, err := ch.send(t, fmt.Sprintf("turn-key-%d", j), "where is my order?"); err != nil {
				t.Fatal(err)
			}
		}
	}
	res, err := skillsOf(env, domain.RoleAnalyst).GetSkill(t.Context(), connect.NewRequest(&tandemv1.GetSkillRequest{SkillId: tandemv1.SkillId_SKILL_ID_ORDER_TRACKING}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Msg.Skill.ConversationCount != 2 {
		t.Errorf("order tracking handled %d conversations, want 2", res.Msg.Skill.ConversationCount)
	}

	convs := func() int {
		res, err := env.Client(env.Key(domain.RoleOwner)).Conversations.ListConversations(t.Context(), connect.NewRequest(&tandemv1.ListConversationsRequest{}))
		if err != nil {
			t.Fatal(err)
		}
		return len(res.Msg.Conversations)
	}
	before := convs()
	prev, err := skillsOf(env, domain.RoleManager).PreviewMessage(t.Context(), connect.NewRequest(&tandemv1.PreviewMessageRequest{
		Text: "and when does it arrive?", Channel: tandemv1.Channel_CHANNEL_SMS, ProfileId: "cust_1001",
		History: []*tandemv1.PreviewTurn{
			{Author: tandemv1.Author_AUTHOR_VISITOR, Text: "where is my order?"},
			{Author: tandemv1.Author_AUTHOR_AI_AGENT, Text: "Which order?"},
		},
	}))
	if err != nil {
		t.Fatal(err)
	}
	d := prev.Msg.Decision
	if d.Kind != tandemv1.RouteKind_ROUTE_KIND_SKILL || d.Skill != tandemv1.SkillId_SKILL_ID_ORDER_TRACKING || d.Confidence != 0.9 ||
		len(d.Alternatives) != 1 || prev.Msg.HandoffReason != tandemv1.HandoffReason_HANDOFF_REASON_TOOL_FAILURE ||
		len(prev.Msg.Messages) != 2 || prev.Msg.Messages[0].Id != "" || prev.Msg.Messages[0].Text != "Your order #1042 is on its way." ||
		len(prev.Msg.Messages[1].QuickReplies) != 2 {
		// The preview shows what the visitor would see: the answer, then the handoff offer.
		t.Errorf("PreviewMessage = %v", prev.Msg)
	}
	turn := agent.turns[len(agent.turns)-1]
	if turn.Conversation.AccountID != env.Account.Account.ID || turn.Conversation.Channel != domain.ChannelSMS ||
		!turn.Conversation.Visitor.Authenticated || turn.Conversation.Visitor.ProfileID != "cust_1001" ||
		turn.Conversation.Status != domain.StatusAIActive || len(turn.History) != 2 || turn.History[1].Author != domain.AuthorAIAgent ||
		turn.Message.Text != "and when does it arrive?" {
		t.Errorf("the agent saw %+v", turn)
	}
	anon, err := skillsOf(env, domain.RoleOwner).PreviewMessage(t.Context(), connect.NewRequest(&tandemv1.PreviewMessageRequest{Text: "hi", Channel: tandemv1.Channel_CHANNEL_WEBCHAT}))
	if err != nil || agent.turns[len(agent.turns)-1].Conversation.Visitor.Authenticated {
		t.Errorf("an anonymous preview: %v, %v", anon, err)
	}
	if after := convs(); after != before {
		t.Errorf("PreviewMessage stored a conversation: %d before, %d after", before, after)
	}
}

// checkerFunc adapts a function to integration.Checker.
type checkerFunc func(context.Context, domain.Integration) error

func (f checkerFunc) Check(ctx context.Context, in domain.Integration) error { return f(ctx, in) }

func TestConnectIntegrationChecksAndSealsCredentials(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	var mu sync.Mutex
	var checked []domain.Integration
	env := apptest.New(t, app.Options{
		Logger: slog.New(slog.NewJSONHandler(&lockedWriter{w: &logs, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug})),
		IntegrationCheckers: map[domain.IntegrationProvider]integration.Checker{
			domain.ProviderShopify: checkerFunc(func(_ context.Context, in domain.Integration) error {
				mu.Lock()
				checked = append(checked, in)
				mu.Unlock()
				if in.Credentials.AccessToken != "shpat_good_token_42" {
					return domain.Errorf(domain.EUnauthenticated, "Shopify answered 401: invalid API key or access token")
				}
				return nil
			}),
			domain.ProviderZendesk: checkerFunc(func(context.Context, domain.Integration) error {
				return domain.Errorf(domain.EUnavailable, "connection refused")
			}),
		},
	})
	c := skillsOf(env, domain.RoleAdmin)
	ctx := t.Context()
	shopify := func(token string) *tandemv1.ConnectIntegrationRequest {
		return &tandemv1.ConnectIntegrationRequest{Provider: tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_SHOPIFY,
			ApiBaseUrl: "http://127.0.0.1:1/admin", Credentials: &tandemv1.ConnectIntegrationRequest_Shopify{
				Shopify: &tandemv1.ShopifyCredentials{ShopDomain: "northwind.myshopify.com", AccessToken: token}}}
	}
	pool, err := pgxpool.New(ctx, env.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	rows := func() int {
		var n int
		if err := pool.QueryRow(ctx, "SELECT count(*) FROM integrations").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	_, err = c.ConnectIntegration(ctx, connect.NewRequest(shopify("shpat_wrong_token")))
	wantCode(t, err, connect.CodeInvalidArgument)
	if !strings.Contains(err.Error(), "Shopify did not accept these credentials") || !strings.Contains(err.Error(), "401") {
		t.Errorf("refused credentials: %v", err)
	}
	_, err = c.ConnectIntegration(ctx, connect.NewRequest(&tandemv1.ConnectIntegrationRequest{
		Provider: tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_ZENDESK, Credentials: &tandemv1.ConnectIntegrationRequest_Zendesk{
			Zendesk: &tandemv1.ZendeskCredentials{Subdomain: "northwind", Email: "agent@northwind.example", ApiToken: "zd_token_123"}}}))
	wantCode(t, err, connect.CodeUnavailable)
	for _, bad := range []*tandemv1.ConnectIntegrationRequest{
		apiKey(tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_SHOPIFY, "shpat_good_token_42"),
		apiKey(tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_DEMO_STORE, "nothing-to-give"),
		{Provider: tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_LOOP},
	} {
		_, err := c.ConnectIntegration(ctx, connect.NewRequest(bad))
		wantCode(t, err, connect.CodeInvalidArgument)
		if !strings.Contains(err.Error(), "takes") {
			t.Errorf("connecting %v with the wrong credentials: %v, want a message saying what it takes", bad.Provider, err)
		}
	}
	if n := rows(); n != 0 {
		t.Fatalf("failed connections stored %d rows", n)
	}

	in := connectProvider(t, c, shopify("shpat_good_token_42"))
	if !in.Connected || in.DisplayName != "northwind.myshopify.com" || in.ConnectTime == nil ||
		!slices.Equal(in.Satisfies, []tandemv1.Prerequisite{tandemv1.Prerequisite_PREREQUISITE_SHOPIFY}) {
		t.Errorf("connected = %v", in)
	}
	if last := checked[len(checked)-1]; last.APIBaseURL != "http://127.0.0.1:1/admin" || last.Credentials.ShopDomain != "northwind.myshopify.com" {
		t.Errorf("the checker got %+v", last)
	}
	var sealed []byte
	if err := pool.QueryRow(ctx, "SELECT credentials FROM integrations WHERE provider = 'shopify'").Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	if len(sealed) == 0 || bytes.Contains(sealed, []byte("shpat_good_token_42")) || bytes.Contains(sealed, []byte("access_token")) {
		t.Errorf("stored credentials are not sealed: %q", sealed)
	}
	connected, err := env.App.Integrations.Connected(ctx, env.Account.Account.ID)
	if err != nil || len(connected) != 1 || connected[0].Credentials.AccessToken != "shpat_good_token_42" || connected[0].APIBaseURL != "http://127.0.0.1:1/admin" {
		t.Errorf("Connected = %+v, %v; want Shopify with its token in the clear", connected, err)
	}
	mu.Lock()
	leaked := bytes.Contains(logs.Bytes(), []byte("shpat_good_token_42")) || bytes.Contains(logs.Bytes(), []byte("shpat_wrong_token"))
	mu.Unlock()
	if leaked {
		t.Error("a token appears in the logs")
	}

	list, err := skillsOf(env, domain.RoleSupport).ListIntegrations(ctx, connect.NewRequest(&tandemv1.ListIntegrationsRequest{PageSize: 6}))
	if err != nil || len(list.Msg.Integrations) != 6 || list.Msg.NextPageToken == "" {
		t.Fatalf("ListIntegrations page 1: %v, %v", list, err)
	}
	rest, err := skillsOf(env, domain.RoleSupport).ListIntegrations(ctx, connect.NewRequest(&tandemv1.ListIntegrationsRequest{PageSize: 6, PageToken: list.Msg.NextPageToken}))
	if err != nil || len(rest.Msg.Integrations) != 4 || rest.Msg.NextPageToken != "" {
		t.Fatalf("ListIntegrations page 2: %v, %v", rest, err)
	}
	all := append(list.Msg.Integrations, rest.Msg.Integrations...)
	for i, in := range all {
		want := tandemv1.IntegrationProvider(i + 1)
		if in.Provider != want || in.Connected != (want == tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_SHOPIFY) {
			t.Errorf("integration %d = %v", i, in)
		}
		if want == tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_ZENDESK && len(in.Satisfies) != 0 {
			t.Errorf("Zendesk satisfies %v, want nothing", in.Satisfies)
		}
	}

	dis, err := c.DisconnectIntegration(ctx, connect.NewRequest(&tandemv1.DisconnectIntegrationRequest{Provider: tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_SHOPIFY}))
	if err != nil || dis.Msg.Integration.Connected {
		t.Fatalf("DisconnectIntegration: %v, %v", dis, err)
	}
	if n := rows(); n != 0 {
		t.Errorf("disconnecting left %d rows (with the credentials)", n)
	}
}

// lockedWriter serialises writes to a buffer read by the test.
type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestKnowledgeBaseOverTheAPI(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{})
	c := skillsOf(env, domain.RoleOwner)
	ctx := t.Context()
	returns := createArticle(t, c, "Returns and exchanges",
		"You can return unworn items with tags attached within 30 days of delivery.\n\nExchanges for another size or colour are free.",
		tandemv1.KnowledgeTopic_KNOWLEDGE_TOPIC_RETURNS_POLICY)
	createArticle(t, c, "Shipping", "Standard shipping takes 3-5 business days.\n\nExpedited shipping takes 2 business days.", tandemv1.KnowledgeTopic_KNOWLEDGE_TOPIC_SHIPPING)
	for i := range 3 {
		createArticle(t, c, fmt.Sprintf("FAQ %d", i), "Gift cards never expire.", tandemv1.KnowledgeTopic_KNOWLEDGE_TOPIC_FAQ)
	}

	search := func(q string, topic tandemv1.KnowledgeTopic) []*tandemv1.KnowledgeSearchResult {
		t.Helper()
		res, err := skillsOf(env, domain.RoleAnalyst).SearchKnowledge(ctx, connect.NewRequest(&tandemv1.SearchKnowledgeRequest{Query: q, Topic: topic}))
		if err != nil {
			t.Fatalf("SearchKnowledge(%q): %v", q, err)
		}
		return res.Msg.Results
	}
	got := search("can I exchange for another colour?", 0)
	if len(got) == 0 || got[0].Article.Id != returns.Id || got[0].Passage != "«Exchanges» for «another» size or «colour» are free." || got[0].Score <= 0 {
		t.Fatalf("exchange search = %v", got)
	}
	if got := search("expidited shiping", 0); len(got) != 1 || !strings.Contains(got[0].Passage, "«Expedited» «shipping» takes 2") {
		t.Errorf("typo search = %v", got)
	}
	if got := search("shipping", tandemv1.KnowledgeTopic_KNOWLEDGE_TOPIC_RETURNS_POLICY); len(got) != 0 {
		t.Errorf("a shipping search in the returns policy found %v", got)
	}
	if got := search("do you sell telescopes", 0); len(got) != 0 {
		t.Errorf("an unanswerable search found %v", got)
	}

	// Updating rewrites what search finds; another account sees none of it.
	upd, err := c.UpdateKnowledgeArticle(ctx, connect.NewRequest(&tandemv1.UpdateKnowledgeArticleRequest{
		ArticleId: returns.Id, Title: "Returns", Body: "Returns are accepted within 45 days.", Topic: tandemv1.KnowledgeTopic_KNOWLEDGE_TOPIC_RETURNS_POLICY,
		Url: "https://northwind.example/help/returns"}))
	if err != nil || upd.Msg.Article.CreateTime.AsTime() != returns.CreateTime.AsTime() || upd.Msg.Article.Url == "" {
		t.Fatalf("UpdateKnowledgeArticle: %v, %v", upd, err)
	}
	if got := search("exchange colour", 0); len(got) != 0 {
		t.Errorf("after the update, the old text is still found: %v", got)
	}
	if got := search("retruns", 0); len(got) != 1 || got[0].Passage != "«Returns» are accepted within 45 days." {
		t.Errorf("after the update: %v", got)
	}

	other := env.Client(env.NewAccount(t, "Other Brand").Secret(domain.RoleOwner)).Skills
	_, err = other.UpdateKnowledgeArticle(ctx, connect.NewRequest(&tandemv1.UpdateKnowledgeArticleRequest{
		ArticleId: returns.Id, Title: "Hijacked", Body: "x", Topic: tandemv1.KnowledgeTopic_KNOWLEDGE_TOPIC_FAQ}))
	wantCode(t, err, connect.CodeNotFound)
	_, err = other.DeleteKnowledgeArticle(ctx, connect.NewRequest(&tandemv1.DeleteKnowledgeArticleRequest{ArticleId: returns.Id}))
	wantCode(t, err, connect.CodeNotFound)
	if res, err := other.SearchKnowledge(ctx, connect.NewRequest(&tandemv1.SearchKnowledgeRequest{Query: "returns"})); err != nil || len(res.Msg.Results) != 0 {
		t.Errorf("another account's search: %v, %v", res, err)
	}
	if res, err := other.ListKnowledgeArticles(ctx, connect.NewRequest(&tandemv1.ListKnowledgeArticlesRequest{})); err != nil || len(res.Msg.Articles) != 0 {
		t.Errorf("another account's list: %v, %v", res, err)
	}

	// Pages, newest first, filtered by topic.
	var titles []string
	token := ""
	for pages := 0; ; pages++ {
		res, err := skillsOf(env, domain.RoleService).ListKnowledgeArticles(ctx, connect.NewRequest(&tandemv1.ListKnowledgeArticlesRequest{PageSize: 2, PageToken: token}))
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range res.Msg.Articles {
			titles = append(titles, a.Title)
		}
		if token = res.Msg.NextPageToken; token == "" || pages > 5 {
			break
		}
	}
	if want := []string{"FAQ 2", "FAQ 1", "FAQ 0", "Shipping", "Returns"}; !slices.Equal(titles, want) {
		t.Errorf("pages = %v, want %v", titles, want)
	}
	faq, err := c.ListKnowledgeArticles(ctx, connect.NewRequest(&tandemv1.ListKnowledgeArticlesRequest{Topic: tandemv1.KnowledgeTopic_KNOWLEDGE_TOPIC_SHIPPING}))
	if err != nil || len(faq.Msg.Articles) != 1 || faq.Msg.Articles[0].Title != "Shipping" {
		t.Errorf("shipping articles: %v, %v", faq, err)
	}
	_, err = c.ListKnowledgeArticles(ctx, connect.NewRequest(&tandemv1.ListKnowledgeArticlesRequest{PageToken: "garbage"}))
	wantCode(t, err, connect.CodeInvalidArgument)

	if _, err := c.DeleteKnowledgeArticle(ctx, connect.NewRequest(&tandemv1.DeleteKnowledgeArticleRequest{ArticleId: returns.Id})); err != nil {
		t.Fatal(err)
	}
	if got := search("returns", 0); len(got) != 0 {
		t.Errorf("a deleted article is still found: %v", got)
	}
	_, err = c.DeleteKnowledgeArticle(ctx, connect.NewRequest(&tandemv1.DeleteKnowledgeArticleRequest{ArticleId: returns.Id}))
	wantCode(t, err, connect.CodeNotFound)
}

func TestSkillRequests(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{})
	ctx := t.Context()
	for i := range 3 {
		_, err := skillsOf(env, domain.RoleManager).RequestSkill(ctx, connect.NewRequest(&tandemv1.RequestSkillRequest{
			Description: fmt.Sprintf("Gift wrapping questions %d", i), ExampleQuestions: []string{"Can you gift wrap my order?"}}))
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := skillsOf(env, domain.RoleOwner).RequestSkill(ctx, connect.NewRequest(&tandemv1.RequestSkillRequest{Description: "too short"}))
	wantCode(t, err, connect.CodeInvalidArgument)

	var got []*tandemv1.SkillRequest
	token := ""
	for range 3 {
		res, err := skillsOf(env, domain.RoleAnalyst).ListSkillRequests(ctx, connect.NewRequest(&tandemv1.ListSkillRequestsRequest{PageSize: 2, PageToken: token}))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, res.Msg.SkillRequests...)
		if token = res.Msg.NextPageToken; token == "" {
			break
		}
	}
	if len(got) != 3 || got[0].Description != "Gift wrapping questions 2" || got[2].Description != "Gift wrapping questions 0" {
		t.Fatalf("skill requests = %v", got)
	}
	if by := got[0].RequestedBy; by.Kind != tandemv1.ActorKind_ACTOR_KIND_STAFF || by.Name != "manager key" || by.KeyId == "" ||
		!slices.Equal(got[0].ExampleQuestions, []string{"Can you gift wrap my order?"}) {
		t.Errorf("request = %v", got[0])
	}
	other := env.Client(env.NewAccount(t, "Other Brand").Secret(domain.RoleOwner)).Skills
	if res, err := other.ListSkillRequests(ctx, connect.NewRequest(&tandemv1.ListSkillRequestsRequest{})); err != nil || len(res.Msg.SkillRequests) != 0 {
		t.Errorf("another account lists %v, %v", res, err)
	}
}

func TestSkillServicePermissions(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{})
	article := createArticle(t, skillsOf(env, domain.RoleOwner), "Returns", "30 days.", tandemv1.KnowledgeTopic_KNOWLEDGE_TOPIC_RETURNS_POLICY)
	readers := []domain.Role{domain.RoleOwner, domain.RoleAdmin, domain.RoleManager, domain.RoleAnalyst, domain.RoleSupport, domain.RoleService}
	managers := []domain.Role{domain.RoleOwner, domain.RoleAdmin, domain.RoleManager}
	admins := []domain.Role{domain.RoleOwner, domain.RoleAdmin}
	calls := []struct {
		method  string
		req     proto.Message
		allowed []domain.Role
	}{
		{"ListSkills", &tandemv1.ListSkillsRequest{}, readers},
		{"GetSkill", &tandemv1.GetSkillRequest{SkillId: tandemv1.SkillId_SKILL_ID_GENERAL_QA}, readers},
		{"PreviewMessage", &tandemv1.PreviewMessageRequest{Text: "hi", Channel: tandemv1.Channel_CHANNEL_WEBCHAT}, managers},
		{"RequestSkill", &tandemv1.RequestSkillRequest{Description: "Questions about gift wrapping"}, managers},
		{"ListSkillRequests", &tandemv1.ListSkillRequestsRequest{}, readers},
		{"ListIntegrations", &tandemv1.ListIntegrationsRequest{}, readers},
		{"ConnectIntegration", &tandemv1.ConnectIntegrationRequest{Provider: tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_CUSTOMER_HUB}, admins},
		{"DisconnectIntegration", &tandemv1.DisconnectIntegrationRequest{Provider: tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_LOOP}, admins},
		{"CreateKnowledgeArticle", &tandemv1.CreateKnowledgeArticleRequest{Title: "T", Body: "B", Topic: tandemv1.KnowledgeTopic_KNOWLEDGE_TOPIC_FAQ}, admins},
		{"UpdateKnowledgeArticle", &tandemv1.UpdateKnowledgeArticleRequest{ArticleId: article.Id, Title: "Returns", Body: "30 days.", Topic: tandemv1.KnowledgeTopic_KNOWLEDGE_TOPIC_RETURNS_POLICY}, admins},
		{"DeleteKnowledgeArticle", &tandemv1.DeleteKnowledgeArticleRequest{ArticleId: "00000000-0000-4000-8000-000000000000"}, admins},
		{"ListKnowledgeArticles", &tandemv1.ListKnowledgeArticlesRequest{}, readers},
		{"SearchKnowledge", &tandemv1.SearchKnowledgeRequest{Query: "returns"}, readers},
	}
	methods := map[string]bool{}
	for _, m := range allMethods(t) {
		if m.Parent().Name() != "SkillService" {
			continue
		}
		methods[string(m.Name())] = true
		for _, c := range calls {
			if c.method != string(m.Name()) {
				continue
			}
			for _, r := range domain.Roles {
				err := call(t.Context(), env.Server.URL, env.Key(r), m, c.req)
				allowed := slices.Contains(c.allowed, r)
				switch code := connect.CodeOf(err); {
				case allowed && code == connect.CodePermissionDenied:
					t.Errorf("%s as %s: %v, want allowed", c.method, r, err)
				case allowed && c.method != "DeleteKnowledgeArticle" && err != nil:
					t.Errorf("%s as %s: %v", c.method, r, err)
				case !allowed && code != connect.CodePermissionDenied:
					t.Errorf("%s as %s: %v, want PermissionDenied", c.method, r, err)
				}
			}
		}
	}
	if len(methods) != len(calls) {
		t.Errorf("SkillService has %d RPCs, the test covers %d", len(methods), len(calls))
	}
}

func TestAgentSeesAConnectionAtOnceOnItsReplicaAndWithinTheTTLOnOthers(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{})
	_, replicaB := apptest.StartReplica(t, env.DatabaseURL, app.Options{})
	onA := skillsOf(env, domain.RoleOwner)
	onB := tandemclient.New(replicaB.URL, env.Key(domain.RoleOwner)).Skills
	unavailable := func(c tandemv1connect.SkillServiceClient) bool {
		t.Helper()
		res, err := c.PreviewMessage(t.Context(), connect.NewRequest(&tandemv1.PreviewMessageRequest{
			Text: "where is my order?", Channel: tandemv1.Channel_CHANNEL_WEBCHAT}))
		if err != nil {
			t.Fatal(err)
		}
		return res.Msg.HandoffReason == tandemv1.HandoffReason_HANDOFF_REASON_SKILL_UNAVAILABLE
	}
	// Both replicas read (and keep) the state without the demo store: order tracking is unavailable.
	if !unavailable(onA) || !unavailable(onB) {
		t.Fatal("order tracking answered before anything was connected")
	}
	connectProvider(t, onA, &tandemv1.ConnectIntegrationRequest{Provider: tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_DEMO_STORE})
	if unavailable(onA) {
		t.Error("the replica that connected the demo store still calls order tracking unavailable")
	}
	deadline := time.Now().Add(accountcache.DefaultTTL + time.Second)
	for unavailable(onB) {
		if time.Now().After(deadline) {
			t.Fatalf("the other replica still calls order tracking unavailable after %v", accountcache.DefaultTTL+time.Second)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
