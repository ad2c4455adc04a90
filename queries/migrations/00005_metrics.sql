-- Metrics: each turn's routing decision on the visitor message, the bookkeeping a
-- conversation needs to know what it adds to the figures, and the rollups that answer
-- MetricsService in time proportional to the buckets asked, not to the rows stored.
--
-- Write path: every conversation change (ConversationApplyChange, one statement) appends
-- to metric_deltas what it changed in the figures, as domain.MetricDeltas computes it from
-- the conversation before and after (usually nothing; a conversation's first visitor
-- message, a skill's first message in it and its outcome add rows). Turns never update a
-- shared row, so concurrent turns of one account do not queue on a lock.
-- A background fold (MetricFold) moves the deltas into metric_hours and metric_days.
-- Readers add the deltas not yet folded, so figures are exact at any moment.
--
-- Every figure belongs to the bucket of the conversation's start (created_at) in the
-- account's time zone; skill '' holds the conversation totals.

-- +goose Up
ALTER TABLE messages
    -- The router's decision for a visitor message: route kind, skill and confidence.
    ADD COLUMN route_kind       text NOT NULL DEFAULT '',
    ADD COLUMN route_skill      text NOT NULL DEFAULT '',
    ADD COLUMN route_confidence real NOT NULL DEFAULT 0,
    -- What the visitor's turn came to (answered, handoff …).
    ADD COLUMN turn_outcome     text NOT NULL DEFAULT '';

-- The questions a skill handled, newest first.
CREATE INDEX messages_skill_questions_idx ON messages (account_id, skill, created_at DESC, conversation_id DESC, sequence DESC)
    WHERE author = 'visitor';

ALTER TABLE conversations
    -- Visitor messages so far: a conversation counts once it has one.
    ADD COLUMN visitor_message_count integer NOT NULL DEFAULT 0,
    -- The skills that handled a visitor message, sorted: each counts the conversation
    -- in its volume.
    ADD COLUMN handled_skills text[] NOT NULL DEFAULT '{}';

-- What changes added to the figures and the fold has not yet moved into the rollups.
-- No foreign key: checking one would share-lock the account's row on every turn.
CREATE TABLE metric_deltas (
    account_id              uuid NOT NULL,
    id                      bigint GENERATED ALWAYS AS IDENTITY,
    conversation_started_at timestamptz NOT NULL,
    channel                 text NOT NULL,
    skill                   text NOT NULL,
    conversations           integer NOT NULL,
    resolved                integer NOT NULL,
    routed_to_team          integer NOT NULL,
    PRIMARY KEY (account_id, id)
);

-- Figures per hour of the account's time zone (the hour's start).
CREATE TABLE metric_hours (
    account_id     uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    hour           timestamptz NOT NULL,
    skill          text NOT NULL,
    channel        text NOT NULL,
    conversations  bigint NOT NULL,
    resolved       bigint NOT NULL,
    routed_to_team bigint NOT NULL,
    PRIMARY KEY (account_id, hour, skill, channel)
);

-- Figures per day of the account's time zone.
CREATE TABLE metric_days (
    account_id     uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    day            date NOT NULL,
    skill          text NOT NULL,
    channel        text NOT NULL,
    conversations  bigint NOT NULL,
    resolved       bigint NOT NULL,
    routed_to_team bigint NOT NULL,
    PRIMARY KEY (account_id, day, skill, channel)
);

-- +goose Down
DROP TABLE metric_days;
DROP TABLE metric_hours;
DROP TABLE metric_deltas;
ALTER TABLE conversations DROP COLUMN handled_skills, DROP COLUMN visitor_message_count;
DROP INDEX messages_skill_questions_idx;
ALTER TABLE messages DROP COLUMN turn_outcome, DROP COLUMN route_confidence, DROP COLUMN route_skill, DROP COLUMN route_kind;
