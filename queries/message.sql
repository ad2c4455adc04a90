-- MessageInsertMany inserts one message per element of the arrays, which have equal
-- lengths; the message at @turn_start, if any, records the turn's idempotency key.
-- name: MessageInsertMany :exec
INSERT INTO messages (
    account_id, conversation_id, sequence, id, author, author_name, body, skill,
    card, quick_replies, links, idempotency_key, turn_end, created_at
)
SELECT @account_id, @conversation_id, m.sequence, m.id, m.author, m.author_name, m.body, m.skill,
    m.card, m.quick_replies, m.links,
    CASE WHEN m.sequence = sqlc.narg(turn_start)::bigint THEN sqlc.narg(idempotency_key)::text END,
    CASE WHEN m.sequence = sqlc.narg(turn_start)::bigint THEN sqlc.narg(turn_end)::bigint END,
    m.created_at
FROM (
    SELECT unnest(@sequences::bigint[]) AS sequence,
        unnest(@ids::uuid[]) AS id,
        unnest(@authors::text[]) AS author,
        unnest(@author_names::text[]) AS author_name,
        unnest(@bodies::text[]) AS body,
        unnest(@skills::text[]) AS skill,
        unnest(@cards::jsonb[]) AS card,
        unnest(@quick_replies::jsonb[]) AS quick_replies,
        unnest(@links::jsonb[]) AS links,
        unnest(@created_ats::timestamptz[]) AS created_at
) AS m;

-- name: MessageListByConversation :many
SELECT *
FROM messages
WHERE account_id = @account_id
    AND conversation_id = @conversation_id
ORDER BY sequence;

-- MessageListRecent returns the latest messages, newest first.
-- name: MessageListRecent :many
SELECT *
FROM messages
WHERE account_id = @account_id
    AND conversation_id = @conversation_id
ORDER BY sequence DESC
LIMIT @max;

-- MessageGetTurn returns the messages the turn with @idempotency_key wrote, in order.
-- name: MessageGetTurn :many
SELECT m.*
FROM messages AS t
JOIN messages AS m
    ON m.account_id = t.account_id
    AND m.conversation_id = t.conversation_id
    AND m.sequence BETWEEN t.sequence AND t.turn_end
WHERE t.account_id = @account_id
    AND t.conversation_id = @conversation_id
    AND t.idempotency_key = @idempotency_key
ORDER BY m.sequence;
