-- InactivityListIdle returns conversations the AI has (AI_ACTIVE, awaiting consent or
-- email) with no change for their account's inactivity timeout (@default_seconds when
-- the account saved none): at most @per_account of each account, oldest first, at most
-- @max in all. Each account is one range of conversations_idle_idx.
-- name: InactivityListIdle :many
SELECT c.account_id, c.id, t.timeout_seconds::integer AS timeout_seconds
FROM accounts AS a
LEFT JOIN handoff_settings AS hs ON hs.account_id = a.id
CROSS JOIN LATERAL (
    SELECT coalesce(nullif(hs.inactivity_timeout_seconds, 0), @default_seconds::integer) AS timeout_seconds
) AS t
CROSS JOIN LATERAL (
    SELECT ic.account_id, ic.id
    FROM conversations AS ic
    WHERE ic.account_id = a.id
        AND ic.status IN ('ai_active', 'awaiting_handoff_consent', 'awaiting_email')
        AND ic.updated_at <= (@now::timestamptz) - t.timeout_seconds * interval '1 second'
    ORDER BY ic.updated_at
    LIMIT @per_account::integer
) AS c
LIMIT @max::integer;
