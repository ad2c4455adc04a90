-- ConversationGenerate seeds @count synthetic conversations of ten messages each (the
-- greeting, then five visitor questions, each answered), started at random times in
-- [@start_time, @end_time), for load tests and benchmarks. A conversation's first
-- three questions go to one skill (or none), the last two to another in three cases
-- out of ten; 60% ended resolved, 20% routed to the team, 20% are still open. The
-- metric bookkeeping columns are filled; the rollups are not (rebuild them) and no
-- events are written.
-- name: ConversationGenerate :exec
WITH g AS (
    SELECT gen_random_uuid() AS id,
        sqlc.arg(start_time)::timestamptz + random() * (sqlc.arg(end_time)::timestamptz - sqlc.arg(start_time)::timestamptz) AS created_at,
        (ARRAY['webchat', 'sms', 'whatsapp', 'email'])[1 + floor(random() * 4)::integer] AS channel,
        (ARRAY['order_tracking', 'returns_exchanges', 'order_editing', 'subscriptions', 'loyalty',
            'coupons_discounts', 'general_qa', 'product_recommendations', ''])[1 + floor(random() * 9)::integer] AS first_skill,
        (ARRAY['order_tracking', 'returns_exchanges', 'order_editing', 'subscriptions', 'loyalty',
            'coupons_discounts', 'general_qa', 'product_recommendations'])[1 + floor(random() * 8)::integer] AS other_skill,
        random() AS switch, random() AS ending
    FROM generate_series(1, sqlc.arg(count)::integer)
),
s AS (
    SELECT g.id, g.created_at, g.channel, g.first_skill,
        CASE WHEN g.switch < 0.3 THEN g.other_skill ELSE g.first_skill END AS last_skill,
        CASE WHEN g.ending < 0.6 THEN 'resolved' WHEN g.ending < 0.8 THEN 'routed_to_team' ELSE '' END AS outcome
    FROM g
),
conversations_added AS (
    INSERT INTO conversations (
        account_id, id, channel, status, active_skill, last_sequence, message_count,
        visitor_message_count, handled_skills, created_at, updated_at, closed_at, closed_by_kind, outcome
    )
    SELECT @account_id, s.id, s.channel, CASE WHEN s.outcome = '' THEN 'ai_active' ELSE 'closed' END,
        s.last_skill, 10, 10, 5,
        ARRAY(SELECT DISTINCT k FROM unnest(ARRAY[s.first_skill, s.last_skill]) AS k WHERE k <> '' ORDER BY k),
        s.created_at, s.created_at + interval '5 minutes',
        CASE WHEN s.outcome <> '' THEN s.created_at + interval '5 minutes' END,
        CASE WHEN s.outcome <> '' THEN 'visitor' ELSE '' END, s.outcome
    FROM s
)
INSERT INTO messages (account_id, conversation_id, sequence, id, author, body, skill, created_at)
SELECT @account_id, s.id, n.sequence, gen_random_uuid(),
    CASE WHEN n.sequence % 2 = 0 THEN 'visitor' ELSE 'ai_agent' END,
    CASE WHEN n.sequence = 1 THEN 'Hi! How can I help?'
        WHEN n.sequence % 2 = 0 THEN 'Question ' || (n.sequence / 2) || ' about ' || coalesce(nullif(s.last_skill, ''), 'something else')
        ELSE 'Here is what I found.' END,
    CASE WHEN n.sequence = 1 THEN '' WHEN n.sequence <= 7 THEN s.first_skill ELSE s.last_skill END,
    s.created_at + n.sequence * interval '20 seconds'
FROM s, generate_series(1, 10) AS n(sequence);
