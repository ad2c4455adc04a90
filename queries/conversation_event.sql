-- ConversationEventListAfter returns a conversation's events after @after_sequence in
-- order, each message event with its message.
-- name: ConversationEventListAfter :many
SELECT e.conversation_id, e.sequence, e.id, e.xid, e.channel, e.type, e.payload, e.created_at,
    m.id AS message_id, m.author AS message_author, m.author_name AS message_author_name,
    m.body AS message_body, m.skill AS message_skill, m.card AS message_card,
    m.quick_replies AS message_quick_replies, m.links AS message_links,
    m.created_at AS message_created_at
FROM conversation_events AS e
LEFT JOIN messages AS m
    ON m.account_id = e.account_id
    AND m.conversation_id = e.conversation_id
    AND m.sequence = e.sequence
WHERE e.account_id = @account_id
    AND e.conversation_id = @conversation_id
    AND e.sequence > @after_sequence
ORDER BY e.sequence
LIMIT @max;

-- ConversationEventListAccount returns the account-wide stream after (@after_xid,
-- @after_id) in (xid, id) order. It passes only events of transactions older than every
-- running one: a transaction that began earlier but commits later would otherwise write
-- events behind a cursor already handed out.
-- name: ConversationEventListAccount :many
SELECT e.conversation_id, e.sequence, e.id, e.xid, e.channel, e.type, e.payload, e.created_at,
    m.id AS message_id, m.author AS message_author, m.author_name AS message_author_name,
    m.body AS message_body, m.skill AS message_skill, m.card AS message_card,
    m.quick_replies AS message_quick_replies, m.links AS message_links,
    m.created_at AS message_created_at
FROM conversation_events AS e
LEFT JOIN messages AS m
    ON m.account_id = e.account_id
    AND m.conversation_id = e.conversation_id
    AND m.sequence = e.sequence
WHERE e.account_id = @account_id
    AND (e.xid, e.id) > (@after_xid::xid8, @after_id::bigint)
    AND e.xid < pg_snapshot_xmin(pg_current_snapshot())
    AND (sqlc.narg(channels)::text[] IS NULL OR e.channel = any(sqlc.narg(channels)::text[]))
    AND (sqlc.narg(types)::text[] IS NULL OR e.type = any(sqlc.narg(types)::text[]))
ORDER BY e.xid, e.id
LIMIT @max;

-- ConversationEventGetHorizon returns the oldest transaction still running: the stream
-- has passed every event of the transactions before it, and no more will come.
-- name: ConversationEventGetHorizon :one
SELECT pg_snapshot_xmin(pg_current_snapshot())::xid8 AS xid;
