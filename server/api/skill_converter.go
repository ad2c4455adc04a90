package api

import (
	"strings"

	tandemv1 "github.com/tandemhq/tandem/gen/tandem/v1"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/integration"
	"github.com/tandemhq/tandem/server/skill"
)

var (
	skillCategories = bimap[skill.Category, tandemv1.SkillCategory]{
		skill.CategoryPostPurchase: tandemv1.SkillCategory_SKILL_CATEGORY_POST_PURCHASE,
		skill.CategoryCore:         tandemv1.SkillCategory_SKILL_CATEGORY_CORE,
	}
	loginRequirements = bimap[skill.Login, tandemv1.LoginRequirement]{
		skill.LoginNone:     tandemv1.LoginRequirement_LOGIN_REQUIREMENT_NONE,
		skill.LoginPartial:  tandemv1.LoginRequirement_LOGIN_REQUIREMENT_PARTIAL,
		skill.LoginRequired: tandemv1.LoginRequirement_LOGIN_REQUIREMENT_REQUIRED,
	}
	skillStatuses = bimap[skill.Status, tandemv1.SkillStatus]{
		skill.StatusLive:        tandemv1.SkillStatus_SKILL_STATUS_LIVE,
		skill.StatusComingSoon:  tandemv1.SkillStatus_SKILL_STATUS_COMING_SOON,
		skill.StatusUnavailable: tandemv1.SkillStatus_SKILL_STATUS_UNAVAILABLE,
	}
	prerequisites = bimap[skill.Prerequisite, tandemv1.Prerequisite]{
		skill.PrerequisiteAgentEnabled:         tandemv1.Prerequisite_PREREQUISITE_AGENT_ENABLED,
		skill.PrerequisiteCustomerHub:          tandemv1.Prerequisite_PREREQUISITE_CUSTOMER_HUB,
		skill.PrerequisiteShopify:              tandemv1.Prerequisite_PREREQUISITE_SHOPIFY,
		skill.PrerequisiteReturnsProvider:      tandemv1.Prerequisite_PREREQUISITE_RETURNS_PROVIDER,
		skill.PrerequisiteSubscriptionProvider: tandemv1.Prerequisite_PREREQUISITE_SUBSCRIPTION_PROVIDER,
		skill.PrerequisiteLoyaltyProvider:      tandemv1.Prerequisite_PREREQUISITE_LOYALTY_PROVIDER,
		skill.PrerequisiteProductCatalog:       tandemv1.Prerequisite_PREREQUISITE_PRODUCT_CATALOG,
		skill.PrerequisiteReturnsPolicy:        tandemv1.Prerequisite_PREREQUISITE_RETURNS_POLICY,
		skill.PrerequisiteOrderEditPolicy:      tandemv1.Prerequisite_PREREQUISITE_ORDER_EDIT_POLICY,
		skill.PrerequisiteSubscriptionPolicy:   tandemv1.Prerequisite_PREREQUISITE_SUBSCRIPTION_POLICY,
		skill.PrerequisiteLoyaltyProgram:       tandemv1.Prerequisite_PREREQUISITE_LOYALTY_PROGRAM,
		skill.PrerequisiteCouponInfo:           tandemv1.Prerequisite_PREREQUISITE_COUPON_INFO,
		skill.PrerequisiteFAQ:                  tandemv1.Prerequisite_PREREQUISITE_FAQ,
	}
	skillTools = bimap[skill.Tool, tandemv1.Tool]{
		skill.ToolProfileLookup:      tandemv1.Tool_TOOL_PROFILE_LOOKUP,
		skill.ToolKnowledgeSearch:    tandemv1.Tool_TOOL_KNOWLEDGE_SEARCH,
		skill.ToolOrderStatus:        tandemv1.Tool_TOOL_ORDER_STATUS,
		skill.ToolReturnsPortal:      tandemv1.Tool_TOOL_RETURNS_PORTAL,
		skill.ToolSubscriptionLookup: tandemv1.Tool_TOOL_SUBSCRIPTION_LOOKUP,
		skill.ToolLoyaltyBalance:     tandemv1.Tool_TOOL_LOYALTY_BALANCE,
		skill.ToolCouponLookup:       tandemv1.Tool_TOOL_COUPON_LOOKUP,
		skill.ToolProductSearch:      tandemv1.Tool_TOOL_PRODUCT_SEARCH,
	}
	providers = bimap[domain.IntegrationProvider, tandemv1.IntegrationProvider]{
		domain.ProviderDemoStore:      tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_DEMO_STORE,
		domain.ProviderCustomerHub:    tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_CUSTOMER_HUB,
		domain.ProviderShopify:        tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_SHOPIFY,
		domain.ProviderLoop:           tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_LOOP,
		domain.ProviderAfterShip:      tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_AFTERSHIP,
		domain.ProviderRecharge:       tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_RECHARGE,
		domain.ProviderSmile:          tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_SMILE,
		domain.ProviderProductCatalog: tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_PRODUCT_CATALOG,
		domain.ProviderZendesk:        tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_ZENDESK,
		domain.ProviderGorgias:        tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_GORGIAS,
	}
	knowledgeTopics = bimap[domain.KnowledgeTopic, tandemv1.KnowledgeTopic]{
		domain.TopicFAQ:                tandemv1.KnowledgeTopic_KNOWLEDGE_TOPIC_FAQ,
		domain.TopicReturnsPolicy:      tandemv1.KnowledgeTopic_KNOWLEDGE_TOPIC_RETURNS_POLICY,
		domain.TopicOrderEditPolicy:    tandemv1.KnowledgeTopic_KNOWLEDGE_TOPIC_ORDER_EDIT_POLICY,
		domain.TopicSubscriptionPolicy: tandemv1.KnowledgeTopic_KNOWLEDGE_TOPIC_SUBSCRIPTION_POLICY,
		domain.TopicLoyaltyProgram:     tandemv1.KnowledgeTopic_KNOWLEDGE_TOPIC_LOYALTY_PROGRAM,
		domain.TopicCoupons:            tandemv1.KnowledgeTopic_KNOWLEDGE_TOPIC_COUPONS,
		domain.TopicShipping:           tandemv1.KnowledgeTopic_KNOWLEDGE_TOPIC_SHIPPING,
	}
	routeKinds = bimap[domain.RouteKind, tandemv1.RouteKind]{
		domain.RouteSkill: tandemv1.RouteKind_ROUTE_KIND_SKILL,
		domain.RouteHuman: tandemv1.RouteKind_ROUTE_KIND_HUMAN,
		domain.RouteNone:  tandemv1.RouteKind_ROUTE_KIND_NONE,
	}
)

// protos maps domain values to protobuf enum values.
func protos[D comparable, P comparable](m bimap[D, P], ds []D) []P {
	out := make([]P, len(ds))
	for i, d := range ds {
		out[i] = m.proto(d)
	}
	return out
}

func skillToProto(s skill.AccountSkill) *tandemv1.Skill {
	sk := s.Skill
	return &tandemv1.Skill{
		Id: skills.proto(sk.ID), Name: sk.Name, Category: skillCategories.proto(sk.Category), Overview: sk.Overview,
		WhenUsed: sk.WhenUsed, HowItResponds: sk.HowItResponds, Tools: protos(skillTools, sk.Tools),
		Channels: protos(channels, sk.Channels), LoginRequirement: loginRequirements.proto(sk.Login),
		Prerequisites: protos(prerequisites, sk.Prerequisites), Status: skillStatuses.proto(s.Derived.Status),
		UnavailableReason: s.Derived.Reason, MissingPrerequisites: protos(prerequisites, s.Derived.Missing),
		ConversationCount: s.Conversations,
	}
}

func skillRequestToProto(r domain.SkillRequest) *tandemv1.SkillRequest {
	return &tandemv1.SkillRequest{Id: r.ID, Description: r.Description, ExampleQuestions: r.ExampleQuestions,
		RequestedBy: actorToProto(r.RequestedBy), CreateTime: timestamp(r.CreatedAt)}
}

func integrationToProto(l integration.Listed) *tandemv1.Integration {
	in := l.Integration
	return &tandemv1.Integration{Provider: providers.proto(in.Provider), Connected: in.Connected, DisplayName: in.DisplayName,
		ConnectTime: timestamp(in.ConnectedAt), Satisfies: protos(prerequisites, l.Satisfies)}
}

// connectInput converts a ConnectIntegrationRequest; which credentials message is set
// decides the credential kind.
func connectInput(m *tandemv1.ConnectIntegrationRequest) integration.ConnectInput {
	in := integration.ConnectInput{Provider: providers.domain(m.Provider), Kind: integration.CredentialsNone, APIBaseURL: m.ApiBaseUrl}
	switch c := m.Credentials.(type) {
	case *tandemv1.ConnectIntegrationRequest_Shopify:
		in.Kind = integration.CredentialsShopify
		in.Credentials = domain.Credentials{ShopDomain: c.Shopify.GetShopDomain(), AccessToken: c.Shopify.GetAccessToken()}
	case *tandemv1.ConnectIntegrationRequest_Zendesk:
		in.Kind = integration.CredentialsZendesk
		in.Credentials = domain.Credentials{Subdomain: c.Zendesk.GetSubdomain(), Email: c.Zendesk.GetEmail(), APIToken: c.Zendesk.GetApiToken()}
	case *tandemv1.ConnectIntegrationRequest_Gorgias:
		in.Kind = integration.CredentialsGorgias
		in.Credentials = domain.Credentials{Domain: c.Gorgias.GetDomain(), Username: c.Gorgias.GetUsername(), APIKey: c.Gorgias.GetApiKey()}
	case *tandemv1.ConnectIntegrationRequest_ApiKey:
		in.Kind = integration.CredentialsAPIKey
		in.Credentials = domain.Credentials{APIKey: c.ApiKey.GetApiKey()}
	}
	return in
}

func knowledgeArticleToProto(a domain.KnowledgeArticle) *tandemv1.KnowledgeArticle {
	return &tandemv1.KnowledgeArticle{Id: a.ID, Title: a.Title, Body: a.Body, Topic: knowledgeTopics.proto(a.Topic), Url: a.URL,
		CreateTime: timestamp(a.CreatedAt), UpdateTime: timestamp(a.UpdatedAt)}
}

// highlightMarks turns the domain's <mark></mark> highlighting into the contract's « ».
var highlightMarks = strings.NewReplacer("<mark>", "«", "</mark>", "»")

// searchResultToProto returns a passage with its article's id, title, topic and URL (the
// article's body and times are left out: the passage is what answers).
func searchResultToProto(p domain.KnowledgePassage) *tandemv1.KnowledgeSearchResult {
	return &tandemv1.KnowledgeSearchResult{
		Article: &tandemv1.KnowledgeArticle{Id: p.ArticleID, Title: p.Title, Topic: knowledgeTopics.proto(p.Topic), Url: p.URL},
		Passage: highlightMarks.Replace(p.Highlighted), Score: p.Score,
	}
}

func routingDecisionToProto(d domain.RoutingDecision) *tandemv1.RoutingDecision {
	out := &tandemv1.RoutingDecision{Kind: routeKinds.proto(d.Kind), Skill: skills.proto(d.Skill), Confidence: d.Confidence}
	for _, a := range d.Alternatives {
		out.Alternatives = append(out.Alternatives, &tandemv1.ScoredSkill{Skill: skills.proto(a.Skill), Confidence: a.Confidence})
	}
	return out
}
