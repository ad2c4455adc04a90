-- Knowledge search ranking: a passage's first sentence, which usually names what the
-- paragraph is about, is searchable apart from the rest, and the vocabulary's words know
-- their English lexeme, so the articles using a query word in any form can be counted
-- and rare query words weigh more than words most articles use ("shipping", "order").

-- +goose Up
-- knowledge_lead_sentence returns a paragraph's first sentence: up to the first ".",
-- "?" or "!" followed by a space (not the "." of "$6.95" or of a web address), or
-- the whole paragraph.
-- +goose StatementBegin
CREATE FUNCTION knowledge_lead_sentence(body text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(substring(body FROM '^.*?[.?!](?=\s|$)'), body)
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

-- A vocabulary word's English lexeme (NULL for a stop word), so searches can count the
-- articles using a query word in any of its forms ("return", "returns", "returned").
ALTER TABLE knowledge_words ADD COLUMN lexeme text GENERATED ALWAYS AS (
    (tsvector_to_array(to_tsvector('english'::regconfig, word)))[1]
) STORED;
CREATE INDEX knowledge_words_lexeme_idx ON knowledge_words (account_id, lexeme);

-- +goose Down
ALTER TABLE knowledge_words DROP COLUMN lexeme;
DROP INDEX knowledge_passages_search_idx;
ALTER TABLE knowledge_passages DROP COLUMN search;
ALTER TABLE knowledge_passages ADD COLUMN search tsvector NOT NULL GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, title), 'A') ||
    setweight(to_tsvector('english'::regconfig, body), 'B')
) STORED;
CREATE INDEX knowledge_passages_search_idx ON knowledge_passages USING gin (search);
DROP FUNCTION knowledge_lead_sentence(text);
