-- name: KnowledgeArticleInsert :one
INSERT INTO knowledge_articles (account_id, id, title, body, topic, url, created_at, updated_at)
VALUES (@account_id, @id, @title, @body, @topic, @url, @created_at, @updated_at)
RETURNING *;

-- KnowledgeArticleLock locks an article for an update or a deletion.
-- name: KnowledgeArticleLock :one
SELECT id
FROM knowledge_articles
WHERE account_id = @account_id
    AND id = @id
FOR UPDATE;

-- name: KnowledgeArticleUpdate :one
UPDATE knowledge_articles
SET title = @title,
    body = @body,
    topic = @topic,
    url = @url,
    updated_at = @updated_at
WHERE account_id = @account_id
    AND id = @id
RETURNING *;

-- name: KnowledgeArticleDelete :execrows
DELETE FROM knowledge_articles
WHERE account_id = @account_id
    AND id = @id;

-- name: KnowledgeArticleGet :one
SELECT *
FROM knowledge_articles
WHERE account_id = @account_id
    AND id = @id;

-- KnowledgeArticleList lists newest first, continuing after (@after_created_at,
-- @after_id) when given; a NULL topic keeps every topic.
-- name: KnowledgeArticleList :many
SELECT *
FROM knowledge_articles
WHERE account_id = @account_id
    AND (sqlc.narg(topic)::text IS NULL OR topic = sqlc.narg(topic)::text)
    AND (sqlc.narg(after_created_at)::timestamptz IS NULL
        OR (created_at, id) < (sqlc.narg(after_created_at)::timestamptz, sqlc.narg(after_id)::uuid))
ORDER BY created_at DESC, id DESC
LIMIT @max;

-- KnowledgePassagesDelete removes an article's passages before they are rewritten.
-- name: KnowledgePassagesDelete :exec
DELETE FROM knowledge_passages
WHERE account_id = @account_id
    AND article_id = @article_id;

-- KnowledgePassagesWrite splits the stored article's body into paragraphs (separated by
-- blank lines) and stores each as a passage.
-- name: KnowledgePassagesWrite :exec
INSERT INTO knowledge_passages (account_id, article_id, position, topic, title, body)
SELECT a.account_id, a.id, p.position, a.topic, a.title, btrim(p.body, E' \t\r\n')
FROM knowledge_articles AS a,
    regexp_split_to_table(a.body, '\n[ \t\r]*\n') WITH ORDINALITY AS p (body, position)
WHERE a.account_id = @account_id
    AND a.id = @article_id
    AND btrim(p.body, E' \t\r\n') <> '';

-- KnowledgeWordsAdd counts the stored article's words into the account's vocabulary, in
-- word order so concurrent writers lock rows in the same order.
-- name: KnowledgeWordsAdd :exec
INSERT INTO knowledge_words (account_id, word, article_count)
SELECT a.account_id, w.word, 1
FROM knowledge_articles AS a,
    knowledge_words_of(a.title || ' ' || a.body) AS w (word)
WHERE a.account_id = @account_id
    AND a.id = @article_id
ORDER BY w.word
ON CONFLICT (account_id, word) DO UPDATE
SET article_count = knowledge_words.article_count + 1;

-- KnowledgeWordsRelease uncounts the stored article's words from the vocabulary; words no
-- article uses any more stay with a count of 0 and are ignored by searches.
-- name: KnowledgeWordsRelease :exec
UPDATE knowledge_words AS k
SET article_count = k.article_count - 1
FROM knowledge_articles AS a,
    knowledge_words_of(a.title || ' ' || a.body) AS w (word)
WHERE a.account_id = @account_id
    AND a.id = @article_id
    AND k.account_id = a.account_id
    AND k.word = w.word
    AND k.article_count > 0;

-- KnowledgeSearch finds the passages best answering @query, one per article, best first.
-- Each query word of four letters or more, not a stop word, that the vocabulary lacks is
-- replaced by the vocabulary word closest to it: among the @candidates nearest by trigram
-- distance, the one with the fewest edits, if it takes at most one edit (two from six
-- letters), so "retrun" finds "return" but "something" does not become "anything". The
-- words' English lexemes are OR-ed into a full-text query, and passages are ranked with
-- the title weighing more than the body, the earlier paragraph first on a tie. The
-- passage comes back plain and with the matched words in <mark></mark>.
-- name: KnowledgeSearch :many
WITH typed AS (
    SELECT w.word
    FROM knowledge_words_of(@query::text) AS w (word)
),
corrected AS (
    SELECT coalesce(
        (
            SELECT k.word
            FROM knowledge_words AS k
            WHERE k.account_id = @account_id
                AND k.word = t.word
                AND k.article_count > 0
        ),
        (
            SELECT near.word
            FROM (
                SELECT k.word
                FROM knowledge_words AS k
                WHERE k.account_id = @account_id
                    AND k.article_count > 0
                    AND length(t.word) >= 4
                    AND length(to_tsvector('english'::regconfig, t.word)) > 0
                ORDER BY k.word <-> t.word
                LIMIT @candidates
            ) AS near
            WHERE levenshtein(near.word, t.word) <= CASE WHEN length(t.word) >= 6 THEN 2 ELSE 1 END
            ORDER BY levenshtein(near.word, t.word), near.word
            LIMIT 1
        ),
        t.word
    ) AS word
    FROM typed AS t
),
q AS (
    SELECT (
        SELECT string_agg(quote_literal(l.lexeme), ' | ')
        FROM unnest(tsvector_to_array(to_tsvector('english'::regconfig, coalesce(string_agg(c.word, ' '), '')))) AS l (lexeme)
    )::tsquery AS query
    FROM corrected AS c
),
best AS (
    SELECT DISTINCT ON (p.article_id)
        p.article_id, p.body, ts_rank(p.search, q.query) AS score
    FROM knowledge_passages AS p, q
    WHERE p.account_id = @account_id
        AND p.search @@ q.query
        AND (sqlc.narg(topics)::text[] IS NULL OR p.topic = any(sqlc.narg(topics)::text[]))
    ORDER BY p.article_id, score DESC, p.position
),
top AS (
    SELECT *
    FROM best
    ORDER BY score DESC, article_id
    LIMIT @max
)
SELECT a.id, a.title, a.topic, a.url,
    top.body AS passage,
    ts_headline('english'::regconfig, top.body, q.query, 'StartSel=<mark>, StopSel=</mark>, HighlightAll=true')::text AS highlighted,
    top.score::real AS score
FROM top
JOIN knowledge_articles AS a ON a.account_id = @account_id AND a.id = top.article_id,
    q
ORDER BY top.score DESC, a.id;
