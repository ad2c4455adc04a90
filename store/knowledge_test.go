package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/server/domain"
)

// knowledgeFixture is a small knowledge base in the demo brand's words.
var knowledgeFixture = []domain.KnowledgeArticle{
	{Title: "Returns and exchanges", Topic: domain.TopicReturnsPolicy, URL: "https://northwind.example/help/returns", Body: "" +
		"You can return unworn, unwashed items with tags attached within 30 days of delivery.\n\n" +
		"Items marked Final sale, including anything 40% off or more, cannot be returned.\n\n" +
		"Refunds go to the original payment method within 5-7 business days after we receive the item."},
	{Title: "Shipping times and costs", Topic: domain.TopicShipping, Body: "" +
		"Orders ship within 1 business day.\n\n" +
		"Standard shipping takes 3-5 business days and costs $6.95, free over $75.\n\n" +
		"Expedited shipping takes 2 business days and costs $14.95."},
	{Title: "Gift cards", Topic: domain.TopicFAQ, Body: "Digital gift cards from $25 to $500 never expire."},
}

// seedKnowledge stores the fixture for the account, one second apart, and returns it
// with ids.
func seedKnowledge(t *testing.T, b *testBundle, accountID string) []domain.KnowledgeArticle {
	t.Helper()
	var out []domain.KnowledgeArticle
	for i, a := range knowledgeFixture {
		a.AccountID, a.ID = accountID, newID()
		a.CreatedAt = base.Add(time.Duration(i) * time.Second)
		a.UpdatedAt = a.CreatedAt
		got, err := b.store.CreateKnowledgeArticle(b.ctx, a)
		if err != nil {
			t.Fatalf("CreateKnowledgeArticle: %v", err)
		}
		if got != a {
			t.Fatalf("CreateKnowledgeArticle = %+v, want %+v", got, a)
		}
		out = append(out, got)
	}
	return out
}

func TestSearchKnowledge(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, _, _ := createAccount(t, b)
	articles := seedKnowledge(t, b, a.ID)
	other, _, _ := createAccount2(t, b)
	seedKnowledge(t, b, other.ID)

	search := func(q string, topics ...domain.KnowledgeTopic) []domain.KnowledgePassage {
		t.Helper()
		got, err := b.store.SearchKnowledge(b.ctx, a.ID, q, topics, 5)
		if err != nil {
			t.Fatalf("SearchKnowledge(%q): %v", q, err)
		}
		return got
	}
	tests := []struct {
		query       string
		topics      []domain.KnowledgeTopic
		wantArticle string // the best result's title; empty: no results
		wantPassage string // a phrase of the best passage
		wantMark    string // a highlighted word of it
	}{
		{"How long do I have to return something?", nil, "Returns and exchanges", "within 30 days of delivery", "<mark>return</mark>"},
		{"when will I get my refund", nil, "Returns and exchanges", "original payment method", "<mark>Refunds</mark>"},
		{"retrun polcy", nil, "Returns and exchanges", "within 30 days", "<mark>return</mark>"},
		{"how much is expedited shiping", nil, "Shipping times and costs", "$14.95", "<mark>Expedited</mark>"},
		{"do gift cards expire", nil, "Gift cards", "never expire", "<mark>gift</mark>"},
		{"shipping", []domain.KnowledgeTopic{domain.TopicFAQ}, "", "", ""},
		{"gift card", []domain.KnowledgeTopic{domain.TopicFAQ, domain.TopicShipping}, "Gift cards", "never expire", "<mark>cards</mark>"},
		{"what about the weather on mars", nil, "", "", ""},
		{"the and of", nil, "", "", ""},
	}
	for _, tt := range tests {
		got := search(tt.query, tt.topics...)
		if tt.wantArticle == "" {
			if len(got) != 0 {
				t.Errorf("%q found %+v, want nothing", tt.query, got)
			}
			continue
		}
		if len(got) == 0 {
			t.Errorf("%q found nothing, want %q", tt.query, tt.wantArticle)
			continue
		}
		best := got[0]
		if best.Title != tt.wantArticle || !strings.Contains(best.Passage, tt.wantPassage) || !strings.Contains(best.Highlighted, tt.wantMark) {
			t.Errorf("%q: best = %q / %q / %q, want %q with %q and %q", tt.query, best.Title, best.Passage, best.Highlighted, tt.wantArticle, tt.wantPassage, tt.wantMark)
		}
		if strings.Contains(best.Passage, "\n") {
			t.Errorf("%q: passage %q is more than one paragraph", tt.query, best.Passage)
		}
		for i := 1; i < len(got); i++ {
			if got[i].Score > got[i-1].Score {
				t.Errorf("%q: results not best first: %+v", tt.query, got)
			}
		}
		for _, p := range got {
			if !containsArticle(articles, p.ArticleID) {
				t.Errorf("%q found article %s of another account", tt.query, p.ArticleID)
			}
		}
	}
}

func containsArticle(as []domain.KnowledgeArticle, id string) bool {
	for _, a := range as {
		if a.ID == id {
			return true
		}
	}
	return false
}

// createAccount2 stores a second account.
func createAccount2(t *testing.T, b *testBundle) (domain.Account, domain.APIKey, string) {
	t.Helper()
	return createAccount(t, b)
}
