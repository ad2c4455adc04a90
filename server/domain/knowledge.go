package domain

import (
	"log/slog"
	"time"
)

// KnowledgeTopic is what a knowledge article is about; policy topics meet skills'
// knowledge prerequisites.
type KnowledgeTopic string

// The knowledge topics.
const (
	// TopicFAQ is general questions and answers.
	TopicFAQ KnowledgeTopic = "faq"
	// TopicReturnsPolicy is the returns and exchange policy.
	TopicReturnsPolicy KnowledgeTopic = "returns_policy"
	// TopicOrderEditPolicy is the order edit and cancel policy.
	TopicOrderEditPolicy KnowledgeTopic = "order_edit_policy"
	// TopicSubscriptionPolicy is the subscription policy.
	TopicSubscriptionPolicy KnowledgeTopic = "subscription_policy"
	// TopicLoyaltyProgram is the loyalty program's details.
	TopicLoyaltyProgram KnowledgeTopic = "loyalty_program"
	// TopicCoupons is coupon and discount information.
	TopicCoupons KnowledgeTopic = "coupons"
	// TopicShipping is shipping times, costs and options.
	TopicShipping KnowledgeTopic = "shipping"
)

// KnowledgeArticle is one article of an account's knowledge base.
type KnowledgeArticle struct {
	// AccountID is the owning account.
	AccountID string
	// ID identifies the article.
	ID string
	// Title is the article's title.
	Title string
	// Body is the article's text (paragraphs separated by blank lines).
	Body string
	// Topic is what it is about.
	Topic KnowledgeTopic
	// URL is the article on the brand's help centre, if published there.
	URL string
	// CreatedAt is when it was created.
	CreatedAt time.Time
	// UpdatedAt is when it last changed.
	UpdatedAt time.Time
}

// KnowledgePassage is the part of an article that answers a search.
type KnowledgePassage struct {
	// ArticleID is the article.
	ArticleID string
	// Title is the article's title.
	Title string
	// Topic is the article's topic.
	Topic KnowledgeTopic
	// URL is the article's address, if any.
	URL string
	// Passage is the most relevant passage, plain text.
	Passage string
	// Highlighted is Passage with the matched words wrapped in <mark></mark>.
	Highlighted string
	// Score ranks results, higher first.
	Score float32
}

// IntegrationProvider is a service an account connects.
type IntegrationProvider string

// The integration providers.
const (
	// ProviderDemoStore is Tandem's built-in demo store (profiles, orders, products,
	// subscriptions, loyalty, coupons, returns) backed by Tandem's own tables.
	ProviderDemoStore IntegrationProvider = "demo_store"
	// ProviderCustomerHub is the brand's Customer Hub (self-service account pages).
	ProviderCustomerHub IntegrationProvider = "customer_hub"
	// ProviderShopify is the Shopify Admin API.
	ProviderShopify IntegrationProvider = "shopify"
	// ProviderLoop is Loop Returns.
	ProviderLoop IntegrationProvider = "loop"
	// ProviderAfterShip is AfterShip Returns.
	ProviderAfterShip IntegrationProvider = "aftership"
	// ProviderRecharge is Recharge subscriptions.
	ProviderRecharge IntegrationProvider = "recharge"
	// ProviderSmile is Smile.io loyalty.
	ProviderSmile IntegrationProvider = "smile"
	// ProviderProductCatalog is the product catalog sync.
	ProviderProductCatalog IntegrationProvider = "product_catalog"
	// ProviderZendesk is Zendesk Support.
	ProviderZendesk IntegrationProvider = "zendesk"
	// ProviderGorgias is Gorgias.
	ProviderGorgias IntegrationProvider = "gorgias"
)

// Credentials are an integration's secrets; they are encrypted at rest and never
// returned or logged (LogValue redacts them).
type Credentials struct {
	// ShopDomain is the Shopify shop ("brand.myshopify.com").
	ShopDomain string `json:"shop_domain,omitempty"`
	// AccessToken is the Shopify Admin API access token.
	AccessToken string `json:"access_token,omitempty"`
	// Subdomain is the Zendesk subdomain.
	Subdomain string `json:"subdomain,omitempty"`
	// Domain is the Gorgias domain.
	Domain string `json:"domain,omitempty"`
	// Email is the Zendesk agent email.
	Email string `json:"email,omitempty"`
	// Username is the Gorgias username (an email).
	Username string `json:"username,omitempty"`
	// APIToken is the Zendesk API token.
	APIToken string `json:"api_token,omitempty"`
	// APIKey is an API key (Gorgias and the other providers).
	APIKey string `json:"api_key,omitempty"`
}

// LogValue keeps credentials out of logs.
func (Credentials) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// Integration is a provider as connected (or not) by an account.
type Integration struct {
	// AccountID is the owning account.
	AccountID string
	// Provider is the service.
	Provider IntegrationProvider
	// Connected is true while connected.
	Connected bool
	// DisplayName names what is connected ("brand.myshopify.com").
	DisplayName string
	// APIBaseURL overrides the provider's API address (tests, regional hosts).
	APIBaseURL string
	// Credentials are the decrypted secrets (empty when not connected).
	Credentials Credentials
	// ConnectedAt is when it was connected.
	ConnectedAt time.Time
}
