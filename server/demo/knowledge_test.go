package demo

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/tandemhq/tandem/server/domain"
)

func TestKnowledgeArticlesParse(t *testing.T) {
	t.Parallel()
	articles, err := parseKnowledge(knowledgeFiles, "knowledge")
	if err != nil {
		t.Fatalf("parse the help centre: %v", err)
	}
	if n := len(articles); n < 25 || n > 30 {
		t.Errorf("help centre has %d articles, want 25 to 30", n)
	}
	if got := KnowledgeArticles(); !slices.Equal(got, articles) {
		t.Errorf("KnowledgeArticles() differs from a fresh parse")
	}
	for i, a := range articles {
		slug, ok := strings.CutPrefix(a.URL, HelpCentreURL)
		if !ok || !slugPattern.MatchString(slug) {
			t.Errorf("article %q has URL %q, want %s<slug>", a.Title, a.URL, HelpCentreURL)
		}
		if i > 0 && articles[i-1].URL >= a.URL {
			t.Errorf("articles not sorted by slug: %q before %q", articles[i-1].URL, a.URL)
		}
		if a.AccountID != "" || a.ID != "" || !a.CreatedAt.IsZero() {
			t.Errorf("article %q carries storage fields", a.Title)
		}
	}
}

func TestKnowledgeArticlesReturnsACopy(t *testing.T) {
	t.Parallel()
	first := KnowledgeArticles()
	first[0].Title = "changed by a caller"
	if KnowledgeArticles()[0].Title == "changed by a caller" {
		t.Error("a caller's change to the returned slice leaked into the next call")
	}
}

func TestKnowledgeCoversEveryTopic(t *testing.T) {
	t.Parallel()
	count := map[domain.KnowledgeTopic]int{}
	for _, a := range KnowledgeArticles() {
		count[a.Topic]++
	}
	for _, topic := range []domain.KnowledgeTopic{
		domain.TopicFAQ, domain.TopicReturnsPolicy, domain.TopicOrderEditPolicy,
		domain.TopicSubscriptionPolicy, domain.TopicLoyaltyProgram, domain.TopicCoupons,
		domain.TopicShipping,
	} {
		if count[topic] == 0 {
			t.Errorf("no article on topic %q, which a skill needs", topic)
		}
	}
}

func TestKnowledgeTitlesUnique(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, a := range KnowledgeArticles() {
		key := strings.ToLower(a.Title)
		if seen[key] {
			t.Errorf("title %q is used twice", a.Title)
		}
		seen[key] = true
	}
}

// The contract's limits (CreateKnowledgeArticleRequest) and the help centre's own:
// articles short enough to read, paragraphs short enough to be a focused search passage.
const (
	maxTitleChars     = 200
	maxBodyChars      = 20000
	maxURLChars       = 2048
	maxParagraphChars = 700
	minArticleWords   = 120
	maxArticleWords   = 350
)

func TestKnowledgeWithinLimits(t *testing.T) {
	t.Parallel()
	for _, a := range KnowledgeArticles() {
		if n := utf8.RuneCountInString(a.Title); n > maxTitleChars {
			t.Errorf("%s: title has %d characters, limit %d", a.URL, n, maxTitleChars)
		}
		if n := utf8.RuneCountInString(a.Body); n > maxBodyChars {
			t.Errorf("%s: body has %d characters, limit %d", a.URL, n, maxBodyChars)
		}
		if n := utf8.RuneCountInString(a.URL); n > maxURLChars {
			t.Errorf("%s: URL has %d characters, limit %d", a.URL, n, maxURLChars)
		}
		if n := len(strings.Fields(a.Body)); n < minArticleWords || n > maxArticleWords {
			t.Errorf("%s: body has %d words, want %d to %d", a.URL, n, minArticleWords, maxArticleWords)
		}
		for _, p := range strings.Split(a.Body, "\n\n") {
			if n := utf8.RuneCountInString(p); n > maxParagraphChars {
				t.Errorf("%s: paragraph of %d characters (limit %d): %.60q…", a.URL, n, maxParagraphChars, p)
			}
			if strings.HasPrefix(p, "#") || strings.HasPrefix(p, "- ") || strings.HasPrefix(p, "* ") {
				t.Errorf("%s: paragraph is Markdown markup, not a plain passage: %.60q", a.URL, p)
			}
		}
	}
}

// brandURL finds the demo brand's web addresses in article text.
var brandURL = regexp.MustCompile(`https://northwind\.example[^\s()]*`)

// customerHubOrReturnsURL is an address brand.md publishes outside the help centre.
var customerHubOrReturnsURL = regexp.MustCompile(
	`^https://northwind\.example/(account(/(orders|returns|subscriptions|rewards|profile))?|returns(\?order=)?)$`)

func TestKnowledgeLinksResolve(t *testing.T) {
	t.Parallel()
	articles := KnowledgeArticles()
	published := map[string]bool{}
	for _, a := range articles {
		published[a.URL] = true
	}
	for _, a := range articles {
		for _, link := range brandURL.FindAllString(a.Body, -1) {
			link = strings.TrimRight(link, ".,;:")
			if strings.HasPrefix(link, HelpCentreURL) {
				if !published[link] {
					t.Errorf("%s links to %s, which is not an article", a.URL, link)
				}
				if link == a.URL {
					t.Errorf("%s links to itself", a.URL)
				}
				continue
			}
			if !customerHubOrReturnsURL.MatchString(link) {
				t.Errorf("%s links to %s, which is neither an article nor a Customer Hub or returns portal page", a.URL, link)
			}
		}
	}
}

// fact is a figure the help centre states in several places: every sentence that
// mentions the fact's subject (where, and not unless) must give the same figure.
type fact struct {
	name  string
	where *regexp.Regexp // sentences about the subject; nil means every sentence
	// unless excludes sentences about a neighbouring subject with its own figure.
	unless *regexp.Regexp
	// figure finds the figure; its submatches (or the whole match) are compared.
	figure *regexp.Regexp
	want   string
	// contradiction is a sentence stating a different figure, which the check must flag.
	contradiction string
}

func re(expr string) *regexp.Regexp { return regexp.MustCompile(expr) }

// facts are brand.md's figures as the help centre must state them.
var facts = []fact{
	{"standard shipping price", re(`(?i)standard shipping`), nil, re(`\$\d+\.\d\d`), "$6.95",
		"Standard shipping costs $5.95 per order."},
	{"standard shipping time", re(`(?i)standard shipping`), nil, re(`\d+-\d+ business days`), "3-5 business days",
		"Standard shipping takes 4-6 business days."},
	{"free shipping threshold", nil, nil, re(`over (\$[\d,.]+)`), "$75",
		"Orders over $50 ship free."},
	{"expedited price", re(`(?i)expedited`), nil, re(`\$\d+\.\d\d`), "$14.95",
		"Expedited shipping costs $12.95."},
	{"expedited time", re(`(?i)expedited`), nil, re(`\d+ business days`), "2 business days",
		"Expedited shipping arrives in 3 business days."},
	{"overnight price", re(`(?i)overnight`), nil, re(`\$\d+\.\d\d`), "$29.95",
		"Overnight shipping costs $24.95."},
	{"overnight cut-off", re(`(?i)overnight`), nil, re(`\d+ [ap]m ET`), "12 pm ET",
		"Overnight orders placed by 2 pm ET ship the same day."},
	{"international price", re(`(?i)international`), nil, re(`\$\d+\.\d\d`), "$19.95",
		"International shipping costs $24.95."},
	{"international time", re(`(?i)international`), nil, re(`\d+-\d+ business days`), "7-14 business days",
		"International shipping takes 5-10 business days."},
	{"dispatch time", re(`(?i)\bships? within`), nil, re(`within (\d+) business days?`), "1",
		"Orders ship within 2 business days."},
	{"lost parcel threshold", re(`(?i)tracking (has not|hasn't) updated`), nil, re(`(\d+) (?:business days|days past)`), "5",
		"If your tracking has not updated for 7 business days, contact us."},
	{"order edit window", nil, nil, re(`within (\d+) hours? of ordering`), "2",
		"Orders are usually packed within 1 hour of ordering."},
	{"return window", re(`(?i)\breturn|exchang`), re(`(?i)damaged|faulty|wrong`), re(`(\d+)(?: days (?:of|from) delivery|-day return)`), "30",
		"Returns are accepted within 60 days of delivery."},
	{"damaged item report window", re(`(?i)damaged|faulty|wrong item`), nil, re(`(\d+) days of delivery`), "14",
		"Report damaged items within 7 days of delivery."},
	{"return label fee", nil, nil, re(`\$(\d+(?:\.\d\d)?)(?: for the prepaid return)? label`), "6",
		"Refunds have a $7.50 label fee deducted."},
	{"refund timing", re(`(?i)refund`), nil, re(`\d+-\d+ business days`), "5-7 business days",
		"Refunds reach your card within 3-5 business days."},
	{"price match window", re(`(?i)price`), nil, re(`(\d+) days of (?:your )?purchase`), "14",
		"If the price drops within 30 days of purchase, we refund the difference."},
	{"warranty length", re(`(?i)guarantee|warranty`), nil, re(`\d+ years?`), "2 years",
		"The Trail-Tested Guarantee lasts 1 year."},
	{"phone number", nil, nil, re(`\d-\d{3}-\d{3}-\d{4}`), "1-800-555-0199",
		"Call us on 1-800-555-0100."},
	{"email address", nil, nil, re(`[a-z0-9._-]+@[a-z0-9.-]+\.[a-z]+`), "help@northwind.example",
		"Email support@northwind.example."},
	{"chat hours", re(`(?i)\bchat\b`), nil, re(`\d+ [ap]m-\d+ [ap]m ET`), "8 am-8 pm ET",
		"Chat is open daily from 9 am-9 pm ET."},
	{"phone hours", re(`(?i)\bcall\b|phone`), nil, re(`\d+ [ap]m-\d+ [ap]m ET`), "9 am-6 pm ET",
		"Call us Monday to Friday from 8 am-5 pm ET."},
	{"email reply time", re(`(?i)\brepl(y|ies)\b`), nil, re(`within (\d+) business days?`), "1",
		"We reply within 2 business days."},
	{"instalment order range", re(`(?i)instal`), nil, re(`\$[\d,]+-\$[\d,]+`), "$50-$1,000",
		"Instalments are available on orders from $35-$1,000."},
	{"instalment count", re(`(?i)instal|klarna`), nil, re(`(\d+) interest-free`), "4",
		"Split your order into 3 interest-free payments with Klarna."},
	{"gift card amounts", re(`(?i)gift card`), nil, re(`\$[\d,]+-\$[\d,]+`), "$25-$500",
		"Gift cards come in any amount from $10-$500."},
	{"WELCOME10 discount", re(`WELCOME10`), nil, re(`\d+% off`), "10% off",
		"WELCOME10 gives you 15% off your first order."},
	{"TRAIL20 discount", re(`TRAIL20`), nil, re(`\$\d+ off`), "$20 off",
		"TRAIL20 gives you $25 off."},
	{"TRAIL20 minimum", re(`TRAIL20`), nil, re(`orders? of (\$[\d,]+) or more`), "$150",
		"TRAIL20 needs an order of $100 or more."},
	{"TRAIL20 expiry", re(`TRAIL20`), nil, re(`(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}`), "January 31, 2027",
		"TRAIL20 is valid until December 31, 2026."},
	{"Refill Club discount", re(`(?i)refill club`), nil, re(`(\d+)%`), "10",
		"Refill Club deliveries are 15% off."},
	{"Refill Club change deadline", nil, nil, re(`(\d+) days before the next charge`), "3",
		"Changes can be made up to 2 days before the next charge."},
	{"birthday bonus points", re(`(?i)birthday`), nil, re(`(\d+) (?:bonus )?points`), "200",
		"Members get 100 bonus points on their birthday."},
	{"points expiry", re(`(?i)expire`), nil, re(`(\d+) months`), "12",
		"Points expire after 6 months without activity."},
	{"Base Camp points range", re(`Base Camp`), nil, re(`(\d[\d,]*-\d[\d,]*) points`), "0-499",
		"Base Camp is for members with 0-999 points."},
	{"Ridge points range", re(`Ridge`), nil, re(`(\d[\d,]*-\d[\d,]*) points`), "500-1,499",
		"Ridge is for members with 500-1,999 points."},
	{"Summit tier threshold", re(`(?i)summit tier`), nil, re(`(\d[\d,]*) or more points`), "1,500",
		"The Summit tier is for members with 2,000 or more points."},
	{"Base Camp earn rate", re(`Base Camp`), nil, re(`([\d.]+) points? (?:per|for every) \$1`), "1",
		"Base Camp members earn 2 points per $1."},
	{"Ridge earn rate", re(`Ridge`), nil, re(`([\d.]+) points? (?:per|for every) \$1`), "1.25",
		"Ridge members earn 1.5 points per $1."},
	{"Summit tier earn rate", re(`(?i)summit tier`), nil, re(`([\d.]+) points? (?:per|for every) \$1`), "1.5",
		"Summit tier members earn 2 points per $1."},
}

// sentenceEnd splits paragraphs into sentences.
var sentenceEnd = regexp.MustCompile(`[.!?]\s+`)

// contradictions returns how the text states the fact with a different figure, and how
// many times it states the fact at all.
func (f fact) contradictions(text string) (wrong []string, mentions int) {
	for _, sentence := range sentenceEnd.Split(text, -1) {
		if f.where != nil && !f.where.MatchString(sentence) || f.unless != nil && f.unless.MatchString(sentence) {
			continue
		}
		for _, m := range f.figure.FindAllStringSubmatch(sentence, -1) {
			mentions++
			got := m[0]
			if len(m) > 1 {
				got = strings.Join(m[1:], " ")
			}
			if got != f.want {
				wrong = append(wrong, fmt.Sprintf("%q in %q", got, sentence))
			}
		}
	}
	return wrong, mentions
}

func TestKnowledgeFactsConsistent(t *testing.T) {
	t.Parallel()
	articles := KnowledgeArticles()
	for _, f := range facts {
		total := 0
		for _, a := range articles {
			wrong, mentions := f.contradictions(a.Body)
			total += mentions
			for _, w := range wrong {
				t.Errorf("%s: %s must be %q, found %s", a.URL, f.name, f.want, w)
			}
		}
		if total == 0 {
			t.Errorf("the help centre never states the %s (%s)", f.name, f.want)
		}
	}
}

func TestFactCheckFlagsContradictions(t *testing.T) {
	t.Parallel()
	for _, f := range facts {
		if wrong, _ := f.contradictions(f.contradiction); len(wrong) == 0 {
			t.Errorf("the %s check accepts %q", f.name, f.contradiction)
		}
	}
}

// pointsValue finds statements of what Summit Rewards points are worth.
var pointsValue = regexp.MustCompile(`(\d[\d,]*) (?:Summit Rewards )?points (?:are worth|make a) \$(\d+)`)

// pointsValueErrors returns the statements in text that do not value 100 points at $5.
func pointsValueErrors(text string) (wrong []string, mentions int) {
	for _, m := range pointsValue.FindAllStringSubmatch(text, -1) {
		mentions++
		points, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
		dollars, _ := strconv.Atoi(m[2])
		if points != dollars*20 {
			wrong = append(wrong, m[0])
		}
	}
	return wrong, mentions
}

func TestKnowledgePointsWorthFiveDollarsPerHundred(t *testing.T) {
	t.Parallel()
	total := 0
	for _, a := range KnowledgeArticles() {
		wrong, mentions := pointsValueErrors(a.Body)
		total += mentions
		for _, w := range wrong {
			t.Errorf("%s: %q, but 100 points are worth $5", a.URL, w)
		}
	}
	if total == 0 {
		t.Error("the help centre never says what points are worth")
	}
	if wrong, _ := pointsValueErrors("Every 100 Summit Rewards points are worth $10."); len(wrong) == 0 {
		t.Error("the points value check accepts 100 points for $10")
	}
}

func TestParseArticleRejectsMalformedFiles(t *testing.T) {
	t.Parallel()
	const body = "\nA paragraph.\n"
	for name, content := range map[string]string{
		"no front matter":      "title: Shipping\ntopic: shipping\nslug: shipping\n" + body,
		"unclosed":             "---\ntitle: Shipping\ntopic: shipping\nslug: shipping\n" + body,
		"not key: value":       "---\ntitle: Shipping\ntopic shipping\nslug: shipping\n---" + body,
		"unknown key":          "---\ntitle: Shipping\ntopic: shipping\nslug: shipping\nauthor: Ann\n---" + body,
		"duplicate key":        "---\ntitle: Shipping\ntitle: Again\ntopic: shipping\nslug: shipping\n---" + body,
		"empty value":          "---\ntitle:\ntopic: shipping\nslug: shipping\n---" + body,
		"missing title":        "---\ntopic: shipping\nslug: shipping\n---" + body,
		"unknown topic":        "---\ntitle: Shipping\ntopic: delivery\nslug: shipping\n---" + body,
		"bad slug":             "---\ntitle: Shipping\ntopic: shipping\nslug: Shipping_Costs\n---" + body,
		"slug is not filename": "---\ntitle: Shipping\ntopic: shipping\nslug: delivery\n---" + body,
		"empty body":           "---\ntitle: Shipping\ntopic: shipping\nslug: shipping\n---\n\n  \n",
	} {
		if _, err := parseArticle("shipping", content); err == nil {
			t.Errorf("%s: parsed without an error", name)
		}
	}
}

func TestParseArticleJoinsSoftLineBreaks(t *testing.T) {
	t.Parallel()
	got, err := parseArticle("shipping", "---\r\ntitle: Shipping: times\r\ntopic: shipping\r\nslug: shipping\r\n---\r\n"+
		"Standard shipping takes\r\n  3-5 business days.\r\n\r\n\r\nExpedited shipping takes 2.\r\n")
	if err != nil {
		t.Fatal(err)
	}
	want := domain.KnowledgeArticle{
		Title: "Shipping: times",
		Topic: domain.TopicShipping,
		URL:   "https://northwind.example/help/shipping",
		Body:  "Standard shipping takes 3-5 business days.\n\nExpedited shipping takes 2.",
	}
	if got != want {
		t.Errorf("parseArticle = %+v, want %+v", got, want)
	}
}

func TestParseKnowledgeNamesTheMalformedFile(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"kb/good.md":   {Data: []byte("---\ntitle: Good\ntopic: faq\nslug: good\n---\nFine.\n")},
		"kb/broken.md": {Data: []byte("---\ntitle: Broken\ntopic: nope\nslug: broken\n---\nText.\n")},
	}
	_, err := parseKnowledge(fsys, "kb")
	if err == nil || !strings.Contains(err.Error(), "kb/broken.md") {
		t.Errorf("parseKnowledge error = %v, want one naming kb/broken.md", err)
	}
}
