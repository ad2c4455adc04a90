-- Knowledge search ranking: a passage's first sentence, which usually names what the
-- paragraph is about, is searchable apart from the rest, and the account's articles are
-- counted per English lexeme so rare query words weigh more than words every article
-- uses ("shipping", "order").

-- +goose Up
-- knowledge_lead_sentence returns a paragraph's first sentence: up to the first ".",
-- "?", "!" or ":" followed by a space (not the "." of "$6.95" or of a web address), or
-- the whole paragraph.
-- +goose StatementBegin
CREATE FUNCTION knowledge_lead_sentence(body text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(substring(body FROM '^.*?[.?!:](?=\s|$)'), body)
$$;
-- +goose StatementEnd

-- The search vector weighs the article's title A, the passage's first sentence B and the
-- rest of the passage C.
DROP INDEX knowledge_passages_search_idx;
ALTER TABLE knowledge_passages DROP COLUMN search;
ALTER TABLE knowledge_passages ADD COLUMN search tsvector NOT NULL GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, title), 'A') ||
    setweight(to_tsvector('english'::regconfig, knowledge_lead_sentence(body)), 'B') ||
    setweight(to_tsvector('english'::regconfig, substr(body, length(knowledge_lead_sentence(body)) + 1)), 'C')
) STORED;
CREATE INDEX knowledge_passages_search_idx ON knowledge_passages USING gin (search);

-- The English lexemes of an account's articles (title and body) with the number of
-- articles using each, for the weight of a query word in searches; the store keeps it
-- with the articles, in the same transaction. Lexemes no article uses any more stay with
-- a count of 0.
CREATE TABLE knowledge_lexemes (
    account_id    uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    lexeme        text NOT NULL,
    article_count integer NOT NULL CHECK (article_count >= 0),
    PRIMARY KEY (account_id, lexeme)
);

-- knowledge_lexemes_of returns the distinct English lexemes of a text.
-- +goose StatementBegin
CREATE FUNCTION knowledge_lexemes_of(t text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT unnest(tsvector_to_array(to_tsvector('english'::regconfig, t)))
$$;
-- +goose StatementEnd

INSERT INTO knowledge_lexemes (account_id, lexeme, article_count)
SELECT a.account_id, l.lexeme, count(*)
FROM knowledge_articles AS a,
    knowledge_lexemes_of(a.title || ' ' || a.body) AS l (lexeme)
GROUP BY a.account_id, l.lexeme;

-- +goose Down
DROP TABLE knowledge_lexemes;
DROP FUNCTION knowledge_lexemes_of(text);
DROP INDEX knowledge_passages_search_idx;
ALTER TABLE knowledge_passages DROP COLUMN search;
ALTER TABLE knowledge_passages ADD COLUMN search tsvector NOT NULL GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, title), 'A') ||
    setweight(to_tsvector('english'::regconfig, body), 'B')
) STORED;
CREATE INDEX knowledge_passages_search_idx ON knowledge_passages USING gin (search);
DROP FUNCTION knowledge_lead_sentence(text);
