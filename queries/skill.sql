-- SkillAccountState returns what skill statuses derive from: the Customer Agent's switch
-- and channels, the connected providers, and which of @topics have articles.
-- name: SkillAccountState :one
SELECT a.agent_enabled,
    a.time_zone,
    a.agent_channels,
    ARRAY(
        SELECT i.provider
        FROM integrations AS i
        WHERE i.account_id = a.id
        ORDER BY i.provider
    )::text[] AS providers,
    ARRAY(
        SELECT t.topic
        FROM unnest(@topics::text[]) AS t (topic)
        WHERE EXISTS (
            SELECT 1
            FROM knowledge_articles AS k
            WHERE k.account_id = a.id
                AND k.topic = t.topic
        )
    )::text[] AS topics
FROM accounts AS a
WHERE a.id = @account_id;

-- SkillConversationCounts counts, per skill, the conversations with a message it produced.
-- name: SkillConversationCounts :many
SELECT skill, count(DISTINCT conversation_id)::bigint AS conversations
FROM messages
WHERE account_id = @account_id
    AND skill <> ''
GROUP BY skill;

-- name: SkillRequestInsert :one
INSERT INTO skill_requests (
    account_id, id, description, example_questions,
    requested_by_kind, requested_by_key_id, requested_by_name, created_at
) VALUES (
    @account_id, @id, @description, @example_questions,
    @requested_by_kind, @requested_by_key_id, @requested_by_name, @created_at
)
RETURNING *;

-- SkillRequestList lists newest first, continuing after (@after_created_at, @after_id)
-- when given.
-- name: SkillRequestList :many
SELECT *
FROM skill_requests
WHERE account_id = @account_id
    AND (sqlc.narg(after_created_at)::timestamptz IS NULL
        OR (created_at, id) < (sqlc.narg(after_created_at)::timestamptz, sqlc.narg(after_id)::uuid))
ORDER BY created_at DESC, id DESC
LIMIT @max;
