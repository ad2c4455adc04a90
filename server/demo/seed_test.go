package demo

import (
	"io"
	"log/slog"
	"slices"
	"testing"

	"github.com/tandemhq/tandem/server/account"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/integration"
	"github.com/tandemhq/tandem/server/knowledge"
	"github.com/tandemhq/tandem/server/skill"
	"github.com/tandemhq/tandem/store"
	"github.com/tandemhq/tandem/store/storetest"
)

func TestSeedingTheDemoTwiceAddsNothing(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	st := store.New(storetest.Pool(t))
	created, err := account.Create(ctx, st, "Northwind Outfitters", "Hi!")
	if err != nil {
		t.Fatal(err)
	}
	id := created.Account.ID
	integrations := integration.NewService(st, nil, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	kb := knowledge.NewService(st)
	articles := []domain.KnowledgeArticle{
		{Title: "Shipping times and costs", Body: "Orders ship within 1 business day.", Topic: domain.TopicShipping},
		{Title: "Returns and exchanges", Body: "30 days from delivery.", Topic: domain.TopicReturnsPolicy, URL: "https://northwind.example/help/returns"},
	}
	for range 2 {
		if err := seedIntegrations(ctx, integrations, id); err != nil {
			t.Fatal(err)
		}
		if err := seedKnowledge(ctx, kb, id, articles); err != nil {
			t.Fatal(err)
		}
	}
	if err := seedKnowledge(ctx, kb, id, append(articles, domain.KnowledgeArticle{Title: "Gift cards", Body: "They never expire.", Topic: domain.TopicFAQ})); err != nil {
		t.Fatal(err)
	}

	connected, err := integrations.Connected(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var providers []domain.IntegrationProvider
	for _, in := range connected {
		providers = append(providers, in.Provider)
	}
	if !slices.Equal(providers, []domain.IntegrationProvider{domain.ProviderCustomerHub, domain.ProviderDemoStore}) {
		t.Errorf("connected %v, want Customer Hub and the demo store", providers)
	}
	list, _, err := kb.List(ctx, id, "", nil, 10)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, a := range list {
		titles = append(titles, a.Title)
	}
	slices.Sort(titles)
	if !slices.Equal(titles, []string{"Gift cards", "Returns and exchanges", "Shipping times and costs"}) {
		t.Errorf("articles %v, want each seeded once", titles)
	}
	statuses, err := skill.NewService(st).Statuses(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []domain.SkillID{domain.SkillOrderTracking, domain.SkillReturnsExchanges, domain.SkillGeneralQA, domain.SkillProductRecommendations} {
		if statuses.Skills[id].Status != skill.StatusLive {
			t.Errorf("%s is %+v with the demo seeded, want live", id, statuses.Skills[id])
		}
	}
}
