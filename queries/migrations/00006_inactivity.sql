-- Inactivity close: each account's inactivity timeout, and the index the close job walks
-- to find, account by account, the conversations the AI has that went quiet longest ago.

-- +goose Up
ALTER TABLE handoff_settings
    -- Seconds without activity after which a conversation the AI has is closed as
    -- resolved; 0 means the default (30 minutes).
    ADD COLUMN inactivity_timeout_seconds integer NOT NULL DEFAULT 0
        CHECK (inactivity_timeout_seconds = 0 OR inactivity_timeout_seconds BETWEEN 300 AND 604800);

-- Only the statuses the job closes: WITH_TEAM and CLOSED conversations are not in it.
CREATE INDEX conversations_idle_idx ON conversations (account_id, updated_at)
    WHERE status IN ('ai_active', 'awaiting_handoff_consent', 'awaiting_email');

-- +goose Down
DROP INDEX conversations_idle_idx;
ALTER TABLE handoff_settings DROP COLUMN inactivity_timeout_seconds;
