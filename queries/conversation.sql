-- name: ConversationInsert :exec
INSERT INTO conversations (
    account_id, id, channel, status,
    visitor_authenticated, visitor_profile_id, visitor_email, visitor_address, visitor_name,
    locale, page_url, active_skill, last_sequence, message_count,
    created_at, updated_at, closed_at,
    closed_by_kind, closed_by_key_id, closed_by_name, close_reason, outcome, handoff_id
) VALUES (
    @account_id, @id, @channel, @status,
    @visitor_authenticated, @visitor_profile_id, @visitor_email, @visitor_address, @visitor_name,
    @locale, @page_url, @active_skill, @last_sequence, @message_count,
    @created_at, @updated_at, sqlc.narg(closed_at),
    @closed_by_kind, @closed_by_key_id, @closed_by_name, @close_reason, @outcome, sqlc.narg(handoff_id)
);

-- name: ConversationGet :one
SELECT *
FROM conversations
WHERE account_id = @account_id
    AND id = @id;

-- ConversationUpdate writes a conversation's new state only if its last sequence is
-- still @expected_sequence: it affects no row when another change came first.
-- name: ConversationUpdate :execrows
UPDATE conversations
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
    message_count = message_count + @added_messages::integer,
    updated_at = @updated_at,
    closed_at = sqlc.narg(closed_at),
    closed_by_kind = @closed_by_kind,
    closed_by_key_id = @closed_by_key_id,
    closed_by_name = @closed_by_name,
    close_reason = @close_reason,
    outcome = @outcome,
    handoff_id = sqlc.narg(handoff_id)
WHERE account_id = @account_id
    AND id = @id
    AND last_sequence = @expected_sequence;

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
