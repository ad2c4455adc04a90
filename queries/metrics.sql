-- MetricFold moves up to @max deltas into the hour and day rollups of their accounts'
-- time zones, in one statement, and returns how many it moved. Deltas another fold
-- holds are skipped.
-- name: MetricFold :one
WITH batch AS (
    DELETE FROM metric_deltas AS d
    WHERE (d.account_id, d.id) IN (
        SELECT account_id, id
        FROM metric_deltas
        LIMIT @max
        FOR UPDATE SKIP LOCKED
    )
    RETURNING d.account_id, d.conversation_started_at, d.channel, d.skill, d.conversations, d.resolved, d.routed_to_team
),
located AS (
    SELECT b.account_id,
        date_trunc('hour', b.conversation_started_at, a.time_zone) AS hour,
        (b.conversation_started_at AT TIME ZONE a.time_zone)::date AS day,
        b.skill, b.channel, b.conversations, b.resolved, b.routed_to_team
    FROM batch AS b
    JOIN accounts AS a ON a.id = b.account_id
),
hours AS (
    INSERT INTO metric_hours AS r (account_id, hour, skill, channel, conversations, resolved, routed_to_team)
    SELECT l.account_id, l.hour, l.skill, l.channel, sum(l.conversations), sum(l.resolved), sum(l.routed_to_team)
    FROM located AS l
    GROUP BY l.account_id, l.hour, l.skill, l.channel
    ORDER BY l.account_id, l.hour, l.skill, l.channel
    ON CONFLICT (account_id, hour, skill, channel) DO UPDATE
    SET conversations = r.conversations + excluded.conversations,
        resolved = r.resolved + excluded.resolved,
        routed_to_team = r.routed_to_team + excluded.routed_to_team
    RETURNING 1
),
days AS (
    INSERT INTO metric_days AS r (account_id, day, skill, channel, conversations, resolved, routed_to_team)
    SELECT l.account_id, l.day, l.skill, l.channel, sum(l.conversations), sum(l.resolved), sum(l.routed_to_team)
    FROM located AS l
    GROUP BY l.account_id, l.day, l.skill, l.channel
    ORDER BY l.account_id, l.day, l.skill, l.channel
    ON CONFLICT (account_id, day, skill, channel) DO UPDATE
    SET conversations = r.conversations + excluded.conversations,
        resolved = r.resolved + excluded.resolved,
        routed_to_team = r.routed_to_team + excluded.routed_to_team
    RETURNING 1
)
SELECT (SELECT count(*) FROM batch)::bigint AS folded,
    (SELECT count(*) FROM hours)::bigint AS hour_rows,
    (SELECT count(*) FROM days)::bigint AS day_rows;

-- MetricOverview sums the figures per skill and channel of the conversations started in
-- [@start_time, @end_time): the days [@first_day, @end_day) (which span
-- [@days_start, @days_end)) from the day rollup, the hours before and after them from the
-- hour rollup, and the deltas not yet folded.
-- name: MetricOverview :many
SELECT r.skill::text AS skill, r.channel::text AS channel,
    sum(r.conversations)::bigint AS conversations,
    sum(r.resolved)::bigint AS resolved,
    sum(r.routed_to_team)::bigint AS routed_to_team
FROM (
    SELECT d.skill, d.channel, d.conversations, d.resolved, d.routed_to_team
    FROM metric_days AS d
    WHERE d.account_id = @account_id
        AND d.day >= @first_day::date
        AND d.day < @end_day::date
    UNION ALL
    SELECT h.skill, h.channel, h.conversations, h.resolved, h.routed_to_team
    FROM metric_hours AS h
    WHERE h.account_id = @account_id
        AND ((h.hour >= @start_time::timestamptz AND h.hour < @days_start::timestamptz)
            OR (h.hour >= @days_end::timestamptz AND h.hour < @end_time::timestamptz))
    UNION ALL
    SELECT p.skill, p.channel, p.conversations::bigint, p.resolved::bigint, p.routed_to_team::bigint
    FROM metric_deltas AS p
    WHERE p.account_id = @account_id
        AND p.conversation_started_at >= @start_time::timestamptz
        AND p.conversation_started_at < @end_time::timestamptz
) AS r
GROUP BY r.skill, r.channel;

-- MetricSkillBuckets is MetricOverview for one skill, summed per bucket of the rollups:
-- a day of the day rollup (its start in @time_zone, the account's), else an hour.
-- name: MetricSkillBuckets :many
SELECT r.bucket::timestamptz AS bucket,
    sum(r.conversations)::bigint AS conversations,
    sum(r.resolved)::bigint AS resolved,
    sum(r.routed_to_team)::bigint AS routed_to_team
FROM (
    SELECT d.day::timestamp AT TIME ZONE @time_zone::text AS bucket, d.conversations, d.resolved, d.routed_to_team
    FROM metric_days AS d
    WHERE d.account_id = @account_id
        AND d.day >= @first_day::date
        AND d.day < @end_day::date
        AND d.skill = @skill
    UNION ALL
    SELECT h.hour, h.conversations, h.resolved, h.routed_to_team
    FROM metric_hours AS h
    WHERE h.account_id = @account_id
        AND ((h.hour >= @start_time::timestamptz AND h.hour < @days_start::timestamptz)
            OR (h.hour >= @days_end::timestamptz AND h.hour < @end_time::timestamptz))
        AND h.skill = @skill
    UNION ALL
    SELECT date_trunc('hour', p.conversation_started_at, @time_zone::text), p.conversations::bigint, p.resolved::bigint, p.routed_to_team::bigint
    FROM metric_deltas AS p
    WHERE p.account_id = @account_id
        AND p.conversation_started_at >= @start_time::timestamptz
        AND p.conversation_started_at < @end_time::timestamptz
        AND p.skill = @skill
) AS r
GROUP BY r.bucket
ORDER BY r.bucket;

-- MetricSkillQuestions lists the visitor messages @skill handled from @start_time on,
-- newest first, before the position (@before_created_at, @before_conversation_id,
-- @before_sequence): the end of the period, or the last question of the previous page.
-- name: MetricSkillQuestions :many
SELECT m.conversation_id, m.sequence, m.id, m.body, m.created_at, c.channel
FROM messages AS m
JOIN conversations AS c ON c.account_id = m.account_id AND c.id = m.conversation_id
WHERE m.account_id = @account_id
    AND m.author = 'visitor'
    AND m.skill = @skill
    AND m.created_at >= @start_time
    AND (m.created_at, m.conversation_id, m.sequence) < (@before_created_at::timestamptz, @before_conversation_id::uuid, @before_sequence::bigint)
ORDER BY m.created_at DESC, m.conversation_id DESC, m.sequence DESC
LIMIT @max;

-- MetricDeleteRollups deletes an account's rollups and deltas, before a rebuild.
-- name: MetricDeleteRollups :exec
WITH deltas AS (
    DELETE FROM metric_deltas AS p WHERE p.account_id = @account_id
),
hours AS (
    DELETE FROM metric_hours AS h WHERE h.account_id = @account_id
)
DELETE FROM metric_days AS d
WHERE d.account_id = @account_id;

-- MetricRebuild computes an account's rollups from its conversations and messages, in
-- its current time zone (after MetricDeleteRollups, in the same snapshot).
-- name: MetricRebuild :exec
WITH handled AS (
    SELECT m.conversation_id,
        coalesce(array_agg(DISTINCT m.skill) FILTER (WHERE m.skill <> ''), '{}')::text[] AS skills
    FROM messages AS m
    WHERE m.account_id = @account_id
        AND m.author = 'visitor'
    GROUP BY m.conversation_id
),
counted AS (
    SELECT c.channel, c.outcome, c.active_skill, h.skills,
        date_trunc('hour', c.created_at, a.time_zone) AS hour,
        (c.created_at AT TIME ZONE a.time_zone)::date AS day
    FROM handled AS h
    JOIN conversations AS c ON c.account_id = @account_id AND c.id = h.conversation_id
    JOIN accounts AS a ON a.id = c.account_id
),
contributions AS (
    SELECT c.hour, c.day, ''::text AS skill, c.channel,
        (c.outcome = 'resolved')::integer AS resolved, (c.outcome = 'routed_to_team')::integer AS routed_to_team
    FROM counted AS c
    UNION ALL
    SELECT c.hour, c.day, k.skill, c.channel,
        (c.outcome = 'resolved' AND c.active_skill = k.skill)::integer,
        (c.outcome = 'routed_to_team' AND c.active_skill = k.skill)::integer
    FROM counted AS c, unnest(c.skills) AS k(skill)
),
hours AS (
    INSERT INTO metric_hours (account_id, hour, skill, channel, conversations, resolved, routed_to_team)
    SELECT @account_id, x.hour, x.skill, x.channel, count(*), sum(x.resolved), sum(x.routed_to_team)
    FROM contributions AS x
    GROUP BY x.hour, x.skill, x.channel
)
INSERT INTO metric_days (account_id, day, skill, channel, conversations, resolved, routed_to_team)
SELECT @account_id, x.day, x.skill, x.channel, count(*), sum(x.resolved), sum(x.routed_to_team)
FROM contributions AS x
GROUP BY x.day, x.skill, x.channel;

-- HandoffLogList lists the handoffs of conversations routed to the team, created from
-- @start_time on, newest first, before the position (@before_created_at, @before_id):
-- the end of the period, or the last entry of the previous page. A NULL filter keeps
-- every row.
-- name: HandoffLogList :many
SELECT h.id, h.conversation_id, h.trigger_question, h.skill, h.reason, h.destination, h.created_at, c.channel
FROM handoffs AS h
JOIN conversations AS c ON c.account_id = h.account_id AND c.id = h.conversation_id
WHERE h.account_id = @account_id
    AND h.created_at >= @start_time
    AND (h.created_at, h.id) < (@before_created_at::timestamptz, @before_id::uuid)
    AND (sqlc.narg(skill)::text IS NULL OR h.skill = sqlc.narg(skill)::text)
    AND (sqlc.narg(reason)::text IS NULL OR h.reason = sqlc.narg(reason)::text)
    AND c.outcome = 'routed_to_team'
ORDER BY h.created_at DESC, h.id DESC
LIMIT @max;
