-- Handoff: the account's handoff settings, the handoffs (tickets) themselves, inbox
-- agents' availability, and the offer a conversation waits on. River's job tables are
-- migrated separately by store.Migrate (rivermigrate), after these.

-- +goose Up
-- The handoff offered to the visitor and waiting for consent or an email address:
-- {"Reason", "Question", "Skill"} as the domain's JSON; NULL when none.
ALTER TABLE conversations ADD COLUMN pending_handoff jsonb;

CREATE TABLE handoff_settings (
    account_id           uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    method               text NOT NULL CHECK (method IN ('helpdesk', 'custom_message')),
    destination          text NOT NULL DEFAULT '' CHECK (destination IN ('', 'inbox', 'zendesk', 'gorgias')),
    custom_message       text NOT NULL DEFAULT '',
    -- [{"label", "url"}]
    custom_links         jsonb,
    -- {"time_zone", "weekly": [{"day" (0 = Sunday), "open", "close"}], "holidays"}; NULL means always open.
    business_hours       jsonb,
    auto_reply_message   text NOT NULL DEFAULT '',
    out_of_hours_message text NOT NULL DEFAULT '',
    updated_at           timestamptz NOT NULL
);

-- One row per handoff: what metrics' handoff log reads (reason, trigger_question, skill,
-- destination, status, ticket_status, created_at .. resolved_at).
CREATE TABLE handoffs (
    account_id         uuid NOT NULL,
    id                 uuid NOT NULL,
    conversation_id    uuid NOT NULL,
    channel            text NOT NULL,
    status             text NOT NULL CHECK (status IN ('pending', 'claimed', 'delivered', 'resolved')),
    destination        text NOT NULL CHECK (destination IN ('inbox', 'zendesk', 'gorgias')),
    reason             text NOT NULL CHECK (reason IN ('visitor_requested', 'skill_unavailable', 'low_confidence', 'tool_failure', 'no_answer')),
    trigger_question   text NOT NULL DEFAULT '',
    skill              text NOT NULL DEFAULT '',
    email              text NOT NULL DEFAULT '',
    profile_id         text NOT NULL DEFAULT '',
    visitor_name       text NOT NULL DEFAULT '',
    assignee_key_id    text NOT NULL DEFAULT '',
    assignee_name      text NOT NULL DEFAULT '',
    -- The helpdesk's ticket id once delivered.
    external_ticket_id text NOT NULL DEFAULT '',
    ticket_status      text NOT NULL DEFAULT '' CHECK (ticket_status IN ('', 'open', 'pending', 'solved')),
    resolution_note    text NOT NULL DEFAULT '',
    created_at         timestamptz NOT NULL,
    claimed_at         timestamptz,
    delivered_at       timestamptz,
    resolved_at        timestamptz,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE
);

CREATE INDEX handoffs_account_created_idx ON handoffs (account_id, created_at DESC, id DESC);
CREATE INDEX handoffs_external_ticket_idx ON handoffs (account_id, external_ticket_id) WHERE external_ticket_id <> '';

-- Inbox agents (SUPPORT and up) who said whether they take conversations.
CREATE TABLE inbox_agents (
    account_id   uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    key_id       uuid NOT NULL,
    name         text NOT NULL,
    availability text NOT NULL CHECK (availability IN ('online', 'away')),
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (account_id, key_id)
);

-- +goose Down
DROP TABLE inbox_agents;
DROP TABLE handoffs;
DROP TABLE handoff_settings;
ALTER TABLE conversations DROP COLUMN pending_handoff;
