// Package demo is the content of Tandem's demo brand, Northwind Outfitters: the help
// centre a real outdoor-apparel store would publish, seeded into the demo account's
// knowledge base.
package demo

import (
	"cmp"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/tandemhq/tandem/server/domain"
)

// HelpCentreURL is where the demo brand publishes its help articles; an article's URL
// is HelpCentreURL followed by its slug.
const HelpCentreURL = "https://northwind.example/help/"

// knowledgeFiles holds the help centre, one Markdown article per file named <slug>.md.
//
//go:embed knowledge/*.md
var knowledgeFiles embed.FS

// knowledgeArticles parses the embedded help centre once; a malformed file is a
// programming error caught by the package's tests.
var knowledgeArticles = sync.OnceValue(func() []domain.KnowledgeArticle {
	articles, err := parseKnowledge(knowledgeFiles, "knowledge")
	if err != nil {
		panic(err)
	}
	return articles
})

// KnowledgeArticles returns the demo brand's help-centre articles sorted by slug, with
// title, body (paragraphs separated by blank lines), topic and URL set; account, id and
// times are left for whoever stores them.
func KnowledgeArticles() []domain.KnowledgeArticle {
	return slices.Clone(knowledgeArticles())
}

// slugPattern is what a help-centre slug looks like.
var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// parseKnowledge reads every .md file in dir of fsys as an article, sorted by slug.
func parseKnowledge(fsys fs.FS, dir string) ([]domain.KnowledgeArticle, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read help centre: %w", err)
	}
	var articles []domain.KnowledgeArticle
	for _, entry := range entries {
		if entry.IsDir() || path.Ext(entry.Name()) != ".md" {
			continue
		}
		name := path.Join(dir, entry.Name())
		content, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		article, err := parseArticle(strings.TrimSuffix(entry.Name(), ".md"), string(content))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		articles = append(articles, article)
	}
	if len(articles) == 0 {
		return nil, fmt.Errorf("no articles in %s", dir)
	}
	slices.SortFunc(articles, func(a, b domain.KnowledgeArticle) int { return cmp.Compare(a.URL, b.URL) })
	return articles, nil
}

// parseArticle reads one article: a front matter of "key: value" lines (title, topic,
// slug) between "---" lines, then Markdown paragraphs separated by blank lines whose
// soft line breaks become spaces. The slug must match the file's name.
func parseArticle(fileSlug, content string) (domain.KnowledgeArticle, error) {
	content = strings.ReplaceAll(content, "\r\n", "\n")
	rest, ok := strings.CutPrefix(content, "---\n")
	if !ok {
		return domain.KnowledgeArticle{}, fmt.Errorf("front matter must open with a --- line")
	}
	frontMatter, body, ok := strings.Cut(rest, "\n---\n")
	if !ok {
		return domain.KnowledgeArticle{}, fmt.Errorf("front matter must close with a --- line")
	}
	fields := map[string]string{}
	for line := range strings.SplitSeq(frontMatter, "\n") {
		key, value, ok := strings.Cut(line, ":")
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		switch {
		case !ok:
			return domain.KnowledgeArticle{}, fmt.Errorf("front matter line %q is not key: value", line)
		case key != "title" && key != "topic" && key != "slug":
			return domain.KnowledgeArticle{}, fmt.Errorf("unknown front matter key %q", key)
		case fields[key] != "":
			return domain.KnowledgeArticle{}, fmt.Errorf("front matter key %q appears twice", key)
		case value == "":
			return domain.KnowledgeArticle{}, fmt.Errorf("front matter key %q is empty", key)
		}
		fields[key] = value
	}
	for _, key := range []string{"title", "topic", "slug"} {
		if fields[key] == "" {
			return domain.KnowledgeArticle{}, fmt.Errorf("front matter lacks %q", key)
		}
	}
	topic := domain.KnowledgeTopic(fields["topic"])
	if !isKnowledgeTopic(topic) {
		return domain.KnowledgeArticle{}, fmt.Errorf("unknown topic %q", topic)
	}
	slug := fields["slug"]
	if !slugPattern.MatchString(slug) {
		return domain.KnowledgeArticle{}, fmt.Errorf("slug %q is not lower-case words joined by hyphens", slug)
	}
	if slug != fileSlug {
		return domain.KnowledgeArticle{}, fmt.Errorf("slug %q does not match the file name", slug)
	}
	paragraphs := joinParagraphs(body)
	if len(paragraphs) == 0 {
		return domain.KnowledgeArticle{}, fmt.Errorf("body is empty")
	}
	return domain.KnowledgeArticle{
		Title: fields["title"],
		Body:  strings.Join(paragraphs, "\n\n"),
		Topic: topic,
		URL:   HelpCentreURL + slug,
	}, nil
}

// joinParagraphs splits Markdown text into paragraphs at blank lines and joins each
// paragraph's lines with single spaces.
func joinParagraphs(text string) []string {
	var paragraphs, lines []string
	flush := func() {
		if len(lines) > 0 {
			paragraphs = append(paragraphs, strings.Join(lines, " "))
			lines = nil
		}
	}
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			flush()
			continue
		}
		lines = append(lines, line)
	}
	flush()
	return paragraphs
}

// isKnowledgeTopic reports whether topic is one of domain's knowledge topics.
func isKnowledgeTopic(topic domain.KnowledgeTopic) bool {
	switch topic {
	case domain.TopicFAQ, domain.TopicReturnsPolicy, domain.TopicOrderEditPolicy,
		domain.TopicSubscriptionPolicy, domain.TopicLoyaltyProgram, domain.TopicCoupons,
		domain.TopicShipping:
		return true
	}
	return false
}
