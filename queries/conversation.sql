-- name: ConversationInsert :exec
INSERT INTO conversations (
    account_id, id, channel, status,
    visitor_authenticated, visitor_profile_id, visitor_email, visitor_address, visitor_name,
    locale, page_url, active_skill, last_sequence, message_count,
    created_at, updated_at, closed_at,
    closed_by_kind, closed_by_key_id, closed_by_name, close_reason, outcome, handoff_id, pending_handoff
) VALUES (
    @account_id, @id, @channel, @status,
    @visitor_authenticated, @visitor_profile_id, @visitor_email, @visitor_address, @visitor_name,
    @locale, @page_url, @active_skill, @last_sequence, @message_count,
    @created_at, @updated_at, sqlc.narg(closed_at),
    @closed_by_kind, @closed_by_key_id, @closed_by_name, @close_reason, @outcome, sqlc.narg(handoff_id), @pending_handoff
);

-- name: ConversationGet :one
SELECT *
FROM conversations
WHERE account_id = @account_id
    AND id = @id;

-- ConversationApplyChange writes a conversation's new state, its new messages, its
-- new events and what it adds to the metrics (metric_deltas, see 00005_metrics.sql) in
-- one statement (one round trip, atomic), only if its last sequence is still
-- @expected_sequence: it returns 0 and writes nothing when another change came first.
-- The message at @turn_start, if any, records the turn's idempotency key.
-- name: ConversationApplyChange :one
WITH updated AS (
    UPDATE conversations AS c
    SET status = @status,
        visitor_authenticated = @visitor_authenticated,
        visitor_profile_id = @visitor_profile_id,
        visitor_email = @visitor_email,
        visitor_address = @visitor_address,
        visitor_name = @visitor_name,
        locale = @locale,
        page_url = @page_url,
        active_skill = @active_skill,
        last_sequence = @last_sequence,
        message_count = c.message_count + cardinality(@message_sequences::bigint[]),
        visitor_message_count = @visitor_message_count,
        handled_skills = @handled_skills::text[],
        updated_at = @updated_at,
        closed_at = sqlc.narg(closed_at),
        closed_by_kind = @closed_by_kind,
        closed_by_key_id = @closed_by_key_id,
        closed_by_name = @closed_by_name,
        close_reason = @close_reason,
        outcome = @outcome,
        handoff_id = sqlc.narg(handoff_id),
        pending_handoff = @pending_handoff
    WHERE c.account_id = @account_id
        AND c.id = @id
        AND c.last_sequence = @expected_sequence
    RETURNING c.account_id, c.id, c.channel, c.created_at
),
new_messages AS (
    INSERT INTO messages (
        account_id, conversation_id, sequence, id, author, author_name, body, skill,
        card, quick_replies, links, idempotency_key, turn_end,
        route_kind, route_skill, route_confidence, turn_outcome, created_at
    )
    SELECT u.account_id, u.id, m.sequence, m.id, m.author, m.author_name, m.body, m.skill,
        m.card, m.quick_replies, m.links,
        CASE WHEN m.sequence = sqlc.narg(turn_start)::bigint THEN sqlc.narg(idempotency_key)::text END,
        CASE WHEN m.sequence = sqlc.narg(turn_start)::bigint THEN sqlc.narg(turn_end)::bigint END,
        m.route_kind, m.route_skill, m.route_confidence, m.turn_outcome, m.created_at
    FROM updated AS u,
        (
            SELECT unnest(@message_sequences::bigint[]) AS sequence,
                unnest(@message_ids::uuid[]) AS id,
                unnest(@message_authors::text[]) AS author,
                unnest(@message_author_names::text[]) AS author_name,
                unnest(@message_bodies::text[]) AS body,
                unnest(@message_skills::text[]) AS skill,
                unnest(@message_cards::jsonb[]) AS card,
                unnest(@message_quick_replies::jsonb[]) AS quick_replies,
                unnest(@message_links::jsonb[]) AS links,
                unnest(@message_route_kinds::text[]) AS route_kind,
                unnest(@message_route_skills::text[]) AS route_skill,
                unnest(@message_route_confidences::real[]) AS route_confidence,
                unnest(@message_turn_outcomes::text[]) AS turn_outcome,
                unnest(@message_created_ats::timestamptz[]) AS created_at
        ) AS m
    RETURNING sequence
),
new_events AS (
    INSERT INTO conversation_events (account_id, conversation_id, sequence, channel, type, payload, created_at)
    SELECT u.account_id, u.id, e.sequence, u.channel, e.type, e.payload, e.created_at
    FROM updated AS u,
        (
            SELECT unnest(@event_sequences::bigint[]) AS sequence,
                unnest(@event_types::text[]) AS type,
                unnest(@event_payloads::jsonb[]) AS payload,
                unnest(@event_created_ats::timestamptz[]) AS created_at
        ) AS e
    RETURNING sequence
),
new_deltas AS (
    INSERT INTO metric_deltas (account_id, conversation_started_at, channel, skill, conversations, resolved, routed_to_team)
    SELECT u.account_id, u.created_at, u.channel, d.skill, d.conversations, d.resolved, d.routed_to_team
    FROM updated AS u,
        (
            SELECT unnest(@delta_skills::text[]) AS skill,
                unnest(@delta_conversations::integer[]) AS conversations,
                unnest(@delta_resolved::integer[]) AS resolved,
                unnest(@delta_routed_to_team::integer[]) AS routed_to_team
        ) AS d
    RETURNING 1
)
SELECT count(*)::bigint
FROM updated;

-- ConversationList lists newest first, continuing after (@after_created_at, @after_id)
-- when given; a NULL filter keeps every row.
-- name: ConversationList :many
SELECT *
FROM conversations
WHERE account_id = @account_id
    AND (sqlc.narg(statuses)::text[] IS NULL OR status = any(sqlc.narg(statuses)::text[]))
    AND (sqlc.narg(channels)::text[] IS NULL OR channel = any(sqlc.narg(channels)::text[]))
    AND (sqlc.narg(skills)::text[] IS NULL OR active_skill = any(sqlc.narg(skills)::text[]))
    AND (sqlc.narg(created_from)::timestamptz IS NULL OR created_at >= sqlc.narg(created_from)::timestamptz)
    AND (sqlc.narg(created_to)::timestamptz IS NULL OR created_at < sqlc.narg(created_to)::timestamptz)
    AND (sqlc.narg(visitor_email)::text IS NULL
        OR (visitor_email <> '' AND lower(visitor_email) = lower(sqlc.narg(visitor_email)::text)))
    AND (sqlc.narg(after_created_at)::timestamptz IS NULL
        OR (created_at, id) < (sqlc.narg(after_created_at)::timestamptz, sqlc.narg(after_id)::uuid))
ORDER BY created_at DESC, id DESC
LIMIT @max;
