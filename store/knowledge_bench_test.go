package store_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/server/domain"
)

// BenchmarkSearchKnowledge searches a knowledge base of 10,000 articles (the fixture's
// three among synthetic ones with a vocabulary of 5,000 words) with questions, typos
// included, and reports the p50 and p99 latency of one search.
func BenchmarkSearchKnowledge(b *testing.B) {
	tb := setupTB(b)
	a := domain.Account{ID: newID(), Name: "Bench", SiteKey: "site_" + newID(), IdentitySecret: "s", Greeting: "Hi", TimeZone: "UTC", CreatedAt: base}
	if err := tb.store.CreateAccount(tb.ctx, a, nil); err != nil {
		b.Fatal(err)
	}
	seedSynthetic(b, tb, a.ID, 10000-len(knowledgeFixture))
	for _, art := range knowledgeFixture {
		art.AccountID, art.ID, art.CreatedAt, art.UpdatedAt = a.ID, newID(), base, base
		if _, err := tb.store.CreateKnowledgeArticle(tb.ctx, art); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := tb.pool.Exec(tb.ctx, "VACUUM ANALYZE"); err != nil {
		b.Fatal(err)
	}
	queries := []string{
		"How long do I have to return something?", "retrun polcy", "how much is expedited shiping",
		"do gift cards expire", "when will I get my refund", "final sale items", "standard shipping cost",
		"what about the weather on mars",
	}
	var took []time.Duration
	perQuery := map[string][]time.Duration{}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		q := queries[i%len(queries)]
		if _, err := tb.store.SearchKnowledge(tb.ctx, a.ID, q, nil, 5); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
		perQuery[q] = append(perQuery[q], time.Since(start))
	}
	for q, d := range perQuery {
		slices.Sort(d)
		b.Logf("%-45q p50 %v max %v", q, d[len(d)/2], d[len(d)-1])
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
}

// seedSynthetic stores n articles of synthetic words, four writers at a time.
func seedSynthetic(b *testing.B, tb *testBundle, accountID string, n int) {
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := make([]string, 5000)
	syllables := []string{"ka", "lo", "mi", "ne", "tor", "vin", "sa", "ru", "pe", "dal", "gro", "fen", "qui", "bex", "zu", "ham"}
	for i := range vocab {
		var w strings.Builder
		for range 2 + rng.IntN(3) {
			w.WriteString(syllables[rng.IntN(len(syllables))])
		}
		vocab[i] = w.String()
	}
	word := func() string { return vocab[int(rng.ExpFloat64()*600)%len(vocab)] }
	sentence := func(words int) string {
		ws := make([]string, words)
		for i := range ws {
			ws[i] = word()
		}
		return strings.Join(ws, " ")
	}
	articles := make([]domain.KnowledgeArticle, n)
	for i := range articles {
		paragraphs := make([]string, 3+rng.IntN(3))
		for p := range paragraphs {
			paragraphs[p] = sentence(20 + rng.IntN(20))
		}
		articles[i] = domain.KnowledgeArticle{
			AccountID: accountID, ID: newID(), Title: sentence(3 + rng.IntN(3)), Body: strings.Join(paragraphs, "\n\n"),
			Topic: domain.TopicFAQ, CreatedAt: base.Add(time.Duration(i) * time.Second),
		}
		articles[i].UpdatedAt = articles[i].CreatedAt
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 4 {
				if _, err := tb.store.CreateKnowledgeArticle(tb.ctx, articles[i]); err != nil {
					errs <- fmt.Errorf("article %d: %w", i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}
