-- HandoffUpsert stores a new handoff or its new state (claim, resolution).
-- name: HandoffUpsert :exec
INSERT INTO handoffs (
    account_id, id, conversation_id, channel, status, destination, reason, trigger_question,
    skill, email, profile_id, visitor_name, assignee_key_id, assignee_name,
    external_ticket_id, ticket_status, resolution_note, created_at, claimed_at, delivered_at, resolved_at
) VALUES (
    @account_id, @id, @conversation_id, @channel, @status, @destination, @reason, @trigger_question,
    @skill, @email, @profile_id, @visitor_name, @assignee_key_id, @assignee_name,
    @external_ticket_id, @ticket_status, @resolution_note, @created_at,
    sqlc.narg(claimed_at), sqlc.narg(delivered_at), sqlc.narg(resolved_at)
)
ON CONFLICT (account_id, id) DO UPDATE
SET status = excluded.status,
    email = excluded.email,
    assignee_key_id = excluded.assignee_key_id,
    assignee_name = excluded.assignee_name,
    external_ticket_id = excluded.external_ticket_id,
    ticket_status = excluded.ticket_status,
    resolution_note = excluded.resolution_note,
    claimed_at = excluded.claimed_at,
    delivered_at = excluded.delivered_at,
    resolved_at = excluded.resolved_at;

-- name: HandoffGet :one
SELECT *
FROM handoffs
WHERE account_id = @account_id
    AND id = @id;

-- HandoffGetByExternalTicket finds the newest handoff with the helpdesk's ticket id.
-- name: HandoffGetByExternalTicket :one
SELECT *
FROM handoffs
WHERE account_id = @account_id
    AND external_ticket_id = @external_ticket_id
ORDER BY created_at DESC
LIMIT 1;

-- HandoffList lists newest first, continuing after (@after_created_at, @after_id) when
-- given; a NULL filter keeps every row.
-- name: HandoffList :many
SELECT *
FROM handoffs
WHERE account_id = @account_id
    AND (sqlc.narg(statuses)::text[] IS NULL OR status = any(sqlc.narg(statuses)::text[]))
    AND (sqlc.narg(destination)::text IS NULL OR destination = sqlc.narg(destination)::text)
    AND (sqlc.narg(after_created_at)::timestamptz IS NULL
        OR (created_at, id) < (sqlc.narg(after_created_at)::timestamptz, sqlc.narg(after_id)::uuid))
ORDER BY created_at DESC, id DESC
LIMIT @max;

-- HandoffMarkDelivered records the helpdesk's ticket id once; a handoff that is no
-- longer pending keeps its first ticket id (and no row is returned).
-- name: HandoffMarkDelivered :one
UPDATE handoffs
SET status = 'delivered',
    external_ticket_id = @external_ticket_id,
    ticket_status = 'open',
    delivered_at = @delivered_at
WHERE account_id = @account_id
    AND id = @id
    AND status = 'pending'
RETURNING *;

-- HandoffSetTicketStatus records the helpdesk's ticket status; a solved ticket resolves
-- the handoff (keeping the first resolution time), reopening it undoes that.
-- name: HandoffSetTicketStatus :one
UPDATE handoffs
SET ticket_status = @ticket_status,
    status = CASE
        WHEN @ticket_status = 'solved' THEN 'resolved'
        WHEN status = 'resolved' THEN CASE WHEN destination = 'inbox' THEN 'claimed' ELSE 'delivered' END
        ELSE status
    END,
    resolved_at = CASE WHEN @ticket_status = 'solved' THEN coalesce(resolved_at, @now::timestamptz) END
WHERE account_id = @account_id
    AND id = @id
RETURNING *;

-- name: HandoffSettingsGet :one
SELECT *
FROM handoff_settings
WHERE account_id = @account_id;

-- name: HandoffSettingsUpsert :exec
INSERT INTO handoff_settings (
    account_id, method, destination, custom_message, custom_links, business_hours,
    auto_reply_message, out_of_hours_message, inactivity_timeout_seconds, updated_at
) VALUES (
    @account_id, @method, @destination, @custom_message, @custom_links, @business_hours,
    @auto_reply_message, @out_of_hours_message, @inactivity_timeout_seconds, @updated_at
)
ON CONFLICT (account_id) DO UPDATE
SET method = excluded.method,
    destination = excluded.destination,
    custom_message = excluded.custom_message,
    custom_links = excluded.custom_links,
    business_hours = excluded.business_hours,
    auto_reply_message = excluded.auto_reply_message,
    out_of_hours_message = excluded.out_of_hours_message,
    inactivity_timeout_seconds = excluded.inactivity_timeout_seconds,
    updated_at = excluded.updated_at;

-- name: InboxAgentUpsert :exec
INSERT INTO inbox_agents (account_id, key_id, name, availability, updated_at)
VALUES (@account_id, @key_id, @name, @availability, @updated_at)
ON CONFLICT (account_id, key_id) DO UPDATE
SET name = excluded.name,
    availability = excluded.availability,
    updated_at = excluded.updated_at;

-- InboxAgentAnyOnline reports whether an agent whose key is still valid is online.
-- name: InboxAgentAnyOnline :one
SELECT EXISTS (
    SELECT 1
    FROM inbox_agents AS a
    JOIN api_keys AS k ON k.account_id = a.account_id AND k.id = a.key_id
    WHERE a.account_id = @account_id
        AND a.availability = 'online'
        AND k.revoked_at IS NULL
);
