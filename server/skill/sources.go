package skill

import "github.com/tandemhq/tandem/server/domain"

// Providers returns every integration provider, in the contract's order.
func Providers() []domain.IntegrationProvider {
	return []domain.IntegrationProvider{
		domain.ProviderDemoStore,
		domain.ProviderCustomerHub,
		domain.ProviderShopify,
		domain.ProviderLoop,
		domain.ProviderAfterShip,
		domain.ProviderRecharge,
		domain.ProviderSmile,
		domain.ProviderProductCatalog,
		domain.ProviderZendesk,
		domain.ProviderGorgias,
	}
}

// providerPrerequisites are what each provider meets once connected. The built-in demo
// store stands in for every shop system; the helpdesks meet none (they are handoff
// destinations).
var providerPrerequisites = map[domain.IntegrationProvider][]Prerequisite{
	domain.ProviderDemoStore: {
		PrerequisiteShopify, PrerequisiteReturnsProvider, PrerequisiteSubscriptionProvider,
		PrerequisiteLoyaltyProvider, PrerequisiteProductCatalog,
	},
	domain.ProviderCustomerHub:    {PrerequisiteCustomerHub},
	domain.ProviderShopify:        {PrerequisiteShopify},
	domain.ProviderLoop:           {PrerequisiteReturnsProvider},
	domain.ProviderAfterShip:      {PrerequisiteReturnsProvider},
	domain.ProviderRecharge:       {PrerequisiteSubscriptionProvider},
	domain.ProviderSmile:          {PrerequisiteLoyaltyProvider},
	domain.ProviderProductCatalog: {PrerequisiteProductCatalog},
}

// ProviderPrerequisites returns the prerequisites the provider meets once connected, in
// the contract's order (none for the helpdesks).
func ProviderPrerequisites(p domain.IntegrationProvider) []Prerequisite {
	return append([]Prerequisite(nil), providerPrerequisites[p]...)
}

// Topics returns every knowledge topic, in the contract's order.
func Topics() []domain.KnowledgeTopic {
	return []domain.KnowledgeTopic{
		domain.TopicFAQ,
		domain.TopicReturnsPolicy,
		domain.TopicOrderEditPolicy,
		domain.TopicSubscriptionPolicy,
		domain.TopicLoyaltyProgram,
		domain.TopicCoupons,
		domain.TopicShipping,
	}
}

// topicPrerequisites are what an article of each topic meets; shipping articles count as
// FAQ content.
var topicPrerequisites = map[domain.KnowledgeTopic]Prerequisite{
	domain.TopicFAQ:                PrerequisiteFAQ,
	domain.TopicShipping:           PrerequisiteFAQ,
	domain.TopicReturnsPolicy:      PrerequisiteReturnsPolicy,
	domain.TopicOrderEditPolicy:    PrerequisiteOrderEditPolicy,
	domain.TopicSubscriptionPolicy: PrerequisiteSubscriptionPolicy,
	domain.TopicLoyaltyProgram:     PrerequisiteLoyaltyProgram,
	domain.TopicCoupons:            PrerequisiteCouponInfo,
}

// TopicPrerequisite returns the prerequisite an article of the topic meets, and false for
// an unknown topic.
func TopicPrerequisite(t domain.KnowledgeTopic) (Prerequisite, bool) {
	p, ok := topicPrerequisites[t]
	return p, ok
}
