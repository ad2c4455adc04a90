-- Accounts, API keys, conversations, messages and conversation events.
-- Every table keys on account_id first so the schema can be distributed by account.

-- +goose Up
CREATE TABLE accounts (
    id              uuid PRIMARY KEY,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- The public key the web chat widget starts conversations with.
    site_key        text NOT NULL UNIQUE,
    -- The HS256 secret the brand signs visitor identity tokens with.
    identity_secret text NOT NULL,
    greeting        text NOT NULL,
    time_zone       text NOT NULL DEFAULT 'UTC',
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id          uuid NOT NULL,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role        text NOT NULL CHECK (role IN ('owner', 'admin', 'manager', 'analyst', 'support', 'helpdesk', 'service')),
    -- SHA-256 of the secret key; the key itself is shown once and never stored.
    key_hash    bytea NOT NULL UNIQUE,
    -- The first characters of the key, to recognise it in listings.
    key_prefix  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE conversations (
    account_id            uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id                    uuid NOT NULL,
    channel               text NOT NULL CHECK (channel IN ('webchat', 'sms', 'whatsapp', 'email')),
    status                text NOT NULL CHECK (status IN ('ai_active', 'awaiting_handoff_consent', 'awaiting_email', 'with_team', 'closed')),
    visitor_authenticated boolean NOT NULL DEFAULT false,
    visitor_profile_id    text NOT NULL DEFAULT '',
    visitor_email         text NOT NULL DEFAULT '',
    visitor_address       text NOT NULL DEFAULT '',
    visitor_name          text NOT NULL DEFAULT '',
    locale                text NOT NULL DEFAULT '',
    page_url              text NOT NULL DEFAULT '',
    active_skill          text NOT NULL DEFAULT '',
    last_sequence         bigint NOT NULL DEFAULT 0,
    message_count         integer NOT NULL DEFAULT 0,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    closed_at             timestamptz,
    closed_by_kind        text NOT NULL DEFAULT '',
    closed_by_key_id      text NOT NULL DEFAULT '',
    closed_by_name        text NOT NULL DEFAULT '',
    close_reason          text NOT NULL DEFAULT '',
    outcome               text NOT NULL DEFAULT '',
    handoff_id            uuid,
    PRIMARY KEY (account_id, id)
);

CREATE INDEX conversations_account_created_idx ON conversations (account_id, created_at DESC, id DESC);
CREATE INDEX conversations_account_email_idx ON conversations (account_id, lower(visitor_email)) WHERE visitor_email <> '';

CREATE TABLE messages (
    account_id      uuid NOT NULL,
    conversation_id uuid NOT NULL,
    sequence        bigint NOT NULL,
    id              uuid NOT NULL,
    author          text NOT NULL CHECK (author IN ('visitor', 'ai_agent', 'human_agent', 'system')),
    author_name     text NOT NULL DEFAULT '',
    body            text NOT NULL,
    skill           text NOT NULL DEFAULT '',
    -- Card, quick replies and links, as the domain's JSON.
    card            jsonb,
    quick_replies   jsonb,
    links           jsonb,
    -- The client's idempotency key of the turn this visitor message started.
    idempotency_key text,
    -- The last sequence number the turn wrote; a retried turn returns messages up to it.
    turn_end        bigint,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (account_id, conversation_id, sequence),
    FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE
);

CREATE UNIQUE INDEX messages_idempotency_idx ON messages (account_id, conversation_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE conversation_events (
    account_id      uuid NOT NULL,
    conversation_id uuid NOT NULL,
    sequence        bigint NOT NULL,
    -- Orders the account-wide stream together with xid.
    id              bigint GENERATED ALWAYS AS IDENTITY,
    -- The writing transaction; readers only pass transactions older than every running one,
    -- so an event committed late is never skipped.
    xid             xid8 NOT NULL DEFAULT pg_current_xact_id(),
    channel         text NOT NULL,
    type            text NOT NULL,
    -- The event's details as the domain's JSON; message events join the messages table.
    payload         jsonb,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (account_id, conversation_id, sequence),
    FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE
);

CREATE INDEX conversation_events_stream_idx ON conversation_events (account_id, xid, id);

-- Every statement that adds events tells listening replicas which conversations moved:
-- the payload is "<account_id> <conversation_id> <last sequence>", never the event itself.
-- +goose StatementBegin
CREATE FUNCTION notify_conversation_events() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT account_id, conversation_id, max(sequence) AS seq FROM new_events GROUP BY 1, 2 LOOP
        PERFORM pg_notify('tandem_events', r.account_id::text || ' ' || r.conversation_id::text || ' ' || r.seq::text);
    END LOOP;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER conversation_events_notify
    AFTER INSERT ON conversation_events
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION notify_conversation_events();

-- +goose Down
DROP TABLE conversation_events;
DROP FUNCTION notify_conversation_events();
DROP TABLE messages;
DROP TABLE conversations;
DROP TABLE api_keys;
DROP TABLE accounts;
