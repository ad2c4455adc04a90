-- Skills: the Customer Agent's switch and channels, integrations with sealed credentials,
-- the knowledge base with its search passages and vocabulary, and skill requests.

-- +goose Up
-- Trigram distance finds the candidates for a misspelt knowledge search word and edit
-- distance picks among them; btree_gist lets one GiST index hold the account id and the
-- trigrams. All three are trusted extensions: a database owner without superuser rights
-- may create them.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- The Customer Agent is on, on every channel, unless the brand says otherwise.
ALTER TABLE accounts
    ADD COLUMN agent_enabled boolean NOT NULL DEFAULT true,
    ADD COLUMN agent_channels text[] NOT NULL DEFAULT '{webchat,sms,whatsapp,email}';

-- A connected integration; disconnecting deletes the row and its credentials.
CREATE TABLE integrations (
    account_id   uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    provider     text NOT NULL CHECK (provider IN ('demo_store', 'customer_hub', 'shopify', 'loop', 'aftership',
                                                   'recharge', 'smile', 'product_catalog', 'zendesk', 'gorgias')),
    display_name text NOT NULL DEFAULT '',
    api_base_url text NOT NULL DEFAULT '',
    -- The credentials as JSON, sealed with AES-256-GCM (key id, nonce, ciphertext);
    -- NULL for providers that take none.
    credentials  bytea,
    connected_at timestamptz NOT NULL,
    PRIMARY KEY (account_id, provider)
);

CREATE TABLE knowledge_articles (
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id         uuid NOT NULL,
    title      text NOT NULL,
    body       text NOT NULL,
    topic      text NOT NULL CHECK (topic IN ('faq', 'returns_policy', 'order_edit_policy', 'subscription_policy',
                                              'loyalty_program', 'coupons', 'shipping')),
    url        text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE INDEX knowledge_articles_account_created_idx ON knowledge_articles (account_id, created_at DESC, id DESC);
CREATE INDEX knowledge_articles_account_topic_idx ON knowledge_articles (account_id, topic, created_at DESC, id DESC);

-- An article's paragraphs, the unit search ranks and returns. The store rewrites them
-- with the article, in the same transaction. The title is repeated (weight A, the body
-- weight B) so a passage ranks higher when its article's title matches too.
CREATE TABLE knowledge_passages (
    account_id uuid NOT NULL,
    article_id uuid NOT NULL,
    position   integer NOT NULL,
    topic      text NOT NULL,
    title      text NOT NULL,
    body       text NOT NULL,
    search     tsvector NOT NULL GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, title), 'A') ||
        setweight(to_tsvector('english'::regconfig, body), 'B')
    ) STORED,
    PRIMARY KEY (account_id, article_id, position),
    FOREIGN KEY (account_id, article_id) REFERENCES knowledge_articles (account_id, id) ON DELETE CASCADE
);

CREATE INDEX knowledge_passages_search_idx ON knowledge_passages USING gin (search);

-- The words of an account's articles with the number of articles using each, so a
-- misspelt query word ("retrun", "shiping") is replaced by the closest word the
-- knowledge base actually contains (candidates by trigram distance, nearest first
-- through GiST, then the fewest edits).
CREATE TABLE knowledge_words (
    account_id    uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    word          text NOT NULL,
    article_count integer NOT NULL CHECK (article_count >= 0),
    PRIMARY KEY (account_id, word)
);

CREATE INDEX knowledge_words_trgm_idx ON knowledge_words USING gist (account_id, word gist_trgm_ops);

-- knowledge_words_of returns the distinct words of a text, lowercased: what the
-- vocabulary stores for an article and what a search query is split into.
-- +goose StatementBegin
CREATE FUNCTION knowledge_words_of(t text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT DISTINCT w
    FROM regexp_split_to_table(lower(t), '[^[:alnum:]]+') AS w
    WHERE length(w) BETWEEN 2 AND 40
$$;
-- +goose StatementEnd

CREATE TABLE skill_requests (
    account_id          uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id                  uuid NOT NULL,
    description         text NOT NULL,
    example_questions   text[] NOT NULL DEFAULT '{}',
    requested_by_kind   text NOT NULL,
    requested_by_key_id text NOT NULL DEFAULT '',
    requested_by_name   text NOT NULL DEFAULT '',
    created_at          timestamptz NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE INDEX skill_requests_account_created_idx ON skill_requests (account_id, created_at DESC, id DESC);

-- A skill's volume is the number of conversations with a message it produced.
CREATE INDEX messages_account_skill_idx ON messages (account_id, skill, conversation_id) WHERE skill <> '';

-- +goose Down
DROP INDEX messages_account_skill_idx;
DROP TABLE skill_requests;
DROP FUNCTION knowledge_words_of(text);
DROP TABLE knowledge_words;
DROP TABLE knowledge_passages;
DROP TABLE knowledge_articles;
DROP TABLE integrations;
ALTER TABLE accounts DROP COLUMN agent_channels, DROP COLUMN agent_enabled;
