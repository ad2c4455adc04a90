package store

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/store/internal/dbsqlc"
)

// typoCandidates is how many vocabulary words, nearest by trigram distance, a misspelt
// query word is compared with by edit distance.
const typoCandidates = 8

// searchSynonyms are how knowledge searches read a shopper's words: each entry is a
// query word followed by the words help articles use for it, the word itself included
// when it stays, and a passage with any of them counts as one containing the word. An
// entry of a word alone drops it: words of questions that say nothing of the subject.
var searchSynonyms = []string{
	// Questions about money.
	"much cost price", "cost cost price", "price cost price", "prices cost price", "pricing cost price", "charge charge cost",
	// Codes.
	"coupon coupon code discount", "coupons coupon code discount", "promo promo code discount",
	"voucher voucher code discount",
	// Words shoppers use for the help centre's.
	"delete close", "package parcel", "packages parcel", "zipper zip", "clean clean wash",
	"warranty warranty guarantee", "phone phone call", "telephone phone call",
	"installments instalments", "installment instalments", "long days", "add add adding",
	"cutoff cut-off", "now current", "currently current", "charged charged billing", "billed billed billing",
	// Words of the question, not of its subject.
	"get", "tell", "know", "want", "need", "like", "please", "possible", "way", "thing", "something", "anything",
	"right", "offer", "provide",
}

// CreateKnowledgeArticle stores article a, its search passages (one per paragraph) and
// its words in the account's vocabulary, in one transaction. Returns EConflict if its id
// is taken.
func (s *Store) CreateKnowledgeArticle(ctx context.Context, a domain.KnowledgeArticle) (domain.KnowledgeArticle, error) {
	account, id, err := parseArticleIDs(a.AccountID, a.ID)
	if err != nil {
		return domain.KnowledgeArticle{}, err
	}
	var out domain.KnowledgeArticle
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		row, err := s.queries.KnowledgeArticleInsert(ctx, tx, dbsqlc.KnowledgeArticleInsertParams{
			AccountID: account, ID: id, Title: a.Title, Body: a.Body, Topic: string(a.Topic), URL: a.URL,
			CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt,
		})
		if err != nil {
			return err
		}
		out = knowledgeArticleFromRow(row)
		return s.indexKnowledgeArticle(ctx, tx, account, id)
	})
	return out, interpret(err, "knowledge article")
}

// UpdateKnowledgeArticle replaces the title, body, topic, URL and update time of the
// account's article a.ID, and its passages and vocabulary, in one transaction; the
// creation time stays. Returns ENotFound if the account has no such article.
func (s *Store) UpdateKnowledgeArticle(ctx context.Context, a domain.KnowledgeArticle) (domain.KnowledgeArticle, error) {
	account, id, err := parseArticleIDs(a.AccountID, a.ID)
	if err != nil {
		return domain.KnowledgeArticle{}, err
	}
	var out domain.KnowledgeArticle
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := s.unindexKnowledgeArticle(ctx, tx, account, id); err != nil {
			return err
		}
		row, err := s.queries.KnowledgeArticleUpdate(ctx, tx, dbsqlc.KnowledgeArticleUpdateParams{
			AccountID: account, ID: id, Title: a.Title, Body: a.Body, Topic: string(a.Topic), URL: a.URL, UpdatedAt: a.UpdatedAt,
		})
		if err != nil {
			return err
		}
		out = knowledgeArticleFromRow(row)
		return s.indexKnowledgeArticle(ctx, tx, account, id)
	})
	return out, interpret(err, "knowledge article")
}

// DeleteKnowledgeArticle deletes the account's article with its passages and releases
// its words. Returns ENotFound if the account has no such article.
func (s *Store) DeleteKnowledgeArticle(ctx context.Context, accountID, articleID string) error {
	account, id, err := parseArticleIDs(accountID, articleID)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := s.unindexKnowledgeArticle(ctx, tx, account, id); err != nil {
			return err
		}
		_, err := s.queries.KnowledgeArticleDelete(ctx, tx, dbsqlc.KnowledgeArticleDeleteParams{AccountID: account, ID: id})
		return err
	})
	return interpret(err, "knowledge article")
}

// unindexKnowledgeArticle locks the stored article (ENotFound if there is none), removes
// its passages and releases its words from the vocabulary.
func (s *Store) unindexKnowledgeArticle(ctx context.Context, tx pgx.Tx, account, id pgtype.UUID) error {
	if _, err := s.queries.KnowledgeArticleLock(ctx, tx, dbsqlc.KnowledgeArticleLockParams{AccountID: account, ID: id}); err != nil {
		return err
	}
	if err := s.queries.KnowledgePassagesDelete(ctx, tx, dbsqlc.KnowledgePassagesDeleteParams{AccountID: account, ArticleID: id}); err != nil {
		return err
	}
	return s.queries.KnowledgeWordsRelease(ctx, tx, dbsqlc.KnowledgeWordsReleaseParams{AccountID: account, ArticleID: id})
}

// indexKnowledgeArticle writes the stored article's passages and counts its words.
func (s *Store) indexKnowledgeArticle(ctx context.Context, tx pgx.Tx, account, id pgtype.UUID) error {
	if err := s.queries.KnowledgePassagesWrite(ctx, tx, dbsqlc.KnowledgePassagesWriteParams{AccountID: account, ArticleID: id}); err != nil {
		return err
	}
	return s.queries.KnowledgeWordsAdd(ctx, tx, dbsqlc.KnowledgeWordsAddParams{AccountID: account, ArticleID: id})
}

// KnowledgeArticle returns the account's article. Returns ENotFound if there is none.
func (s *Store) KnowledgeArticle(ctx context.Context, accountID, articleID string) (domain.KnowledgeArticle, error) {
	account, id, err := parseArticleIDs(accountID, articleID)
	if err != nil {
		return domain.KnowledgeArticle{}, err
	}
	row, err := s.queries.KnowledgeArticleGet(ctx, s.pool, dbsqlc.KnowledgeArticleGetParams{AccountID: account, ID: id})
	if err != nil {
		return domain.KnowledgeArticle{}, interpret(err, "knowledge article")
	}
	return knowledgeArticleFromRow(row), nil
}

// ListKnowledgeArticles returns the account's articles newest first, of the topic when
// it is not empty, continuing after the position when given, at most limit of them
// (bounded as in ListConversations).
func (s *Store) ListKnowledgeArticles(ctx context.Context, accountID string, topic domain.KnowledgeTopic, after *domain.Position, limit int) ([]domain.KnowledgeArticle, error) {
	account, err := parseID("account id", accountID)
	if err != nil {
		return nil, err
	}
	p := dbsqlc.KnowledgeArticleListParams{AccountID: account, Max: limitParam(limit)}
	if topic != "" {
		t := string(topic)
		p.Topic = &t
	}
	if after != nil {
		if p.AfterID, err = parseID("knowledge article id", after.ID); err != nil {
			return nil, err
		}
		p.AfterCreatedAt = &after.CreatedAt
	}
	rows, err := s.queries.KnowledgeArticleList(ctx, s.pool, p)
	if err != nil {
		return nil, interpret(err, "knowledge article")
	}
	out := make([]domain.KnowledgeArticle, len(rows))
	for i, r := range rows {
		out[i] = knowledgeArticleFromRow(r)
	}
	return out, nil
}

// SearchKnowledge returns the account's passages best answering query, at most one per
// article and limit in all, best first, from articles of the topics (all when none).
// Misspelt words are matched to the nearest word of the account's articles; words every
// article lacks and stop words match nothing, so a query of only those finds nothing.
func (s *Store) SearchKnowledge(ctx context.Context, accountID, query string, topics []domain.KnowledgeTopic, limit int) ([]domain.KnowledgePassage, error) {
	account, err := parseID("account id", accountID)
	if err != nil {
		return nil, err
	}
	rows, err := s.queries.KnowledgeSearch(ctx, s.pool, dbsqlc.KnowledgeSearchParams{
		AccountID: account, Query: query, Candidates: typoCandidates, Synonyms: searchSynonyms,
		Topics: textArray(topics), Max: limitParam(limit),
	})
	if err != nil {
		return nil, interpret(err, "knowledge article")
	}
	out := make([]domain.KnowledgePassage, len(rows))
	for i, r := range rows {
		out[i] = domain.KnowledgePassage{
			ArticleID: idString(r.ID), Title: r.Title, Topic: domain.KnowledgeTopic(r.Topic), URL: r.URL,
			Passage: r.Passage, Highlighted: r.Highlighted, Score: r.Score,
		}
	}
	return out, nil
}

// parseArticleIDs parses an account id and an article id.
func parseArticleIDs(accountID, articleID string) (account, article pgtype.UUID, err error) {
	if account, err = parseID("account id", accountID); err != nil {
		return account, article, err
	}
	article, err = parseID("knowledge article id", articleID)
	return account, article, err
}

// knowledgeArticleFromRow converts a row of knowledge_articles.
func knowledgeArticleFromRow(r dbsqlc.KnowledgeArticle) domain.KnowledgeArticle {
	return domain.KnowledgeArticle{
		AccountID: idString(r.AccountID), ID: idString(r.ID), Title: r.Title, Body: r.Body,
		Topic: domain.KnowledgeTopic(r.Topic), URL: r.URL, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}
