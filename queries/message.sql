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
