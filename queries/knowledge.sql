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
--
-- Each query word of four letters or more, not a stop word, that the vocabulary lacks is
-- replaced by the vocabulary word closest to it: among the @candidates nearest by trigram
-- distance, the one with the fewest edits, if it takes at most one edit (two from six
-- letters), so "retrun" finds "return" but "something" does not become "anything". Each
-- word (a term) is then replaced by its synonyms if it has some (the @synonyms entry
-- "word synonym..." starting with it; an entry of just the word drops the word before
-- anything else) and taken to English lexemes; stop words and words no article uses drop
-- out.
--
-- A term weighs more the fewer articles use it (BM25's inverse document frequency, from
-- the vocabulary's article count of the most used word of each of its lexemes, of the
-- account's articles counted up to 2,000, beyond which weights barely change), so
-- "shipping", in most articles, weighs little beside "free"; words with the same
-- lexemes make one term. A passage matching any term, in its body or its article's
-- title, is scored on the shares of the query's weight it holds in its body, in its
-- first sentence, in its article's title and (less) anywhere in its article, plus the
-- share of the title's words the query names, a little for term density and for being
-- an early paragraph, and, for a "how do I..." question, a bonus for a paragraph that
-- opens with "To ..." and a query term. The best passage of each article is kept, the
-- earlier paragraph first on a tie. The passage comes back plain and with the matched
-- words in <mark></mark>.
-- name: KnowledgeSearch :many
WITH typed AS (
    SELECT w.word
    FROM knowledge_words_of(@query::text) AS w (word)
    WHERE w.word <> ALL (@synonyms::text[])
),
corrected AS (
    SELECT DISTINCT coalesce(
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
widened AS (
    SELECT c.word AS term,
        coalesce(
            (
                SELECT substr(s.entry, length(c.word) + 2)
                FROM unnest(@synonyms::text[]) AS s (entry)
                WHERE split_part(s.entry, ' ', 1) = c.word
                LIMIT 1
            ),
            c.word
        ) AS words
    FROM corrected AS c
),
articles AS (
    SELECT count(*) AS n
    FROM (
        SELECT
        FROM knowledge_articles AS a
        WHERE a.account_id = @account_id
        LIMIT 2000
    ) AS a
),
word_lexemes AS (
    SELECT w.term, l.lexeme, max(k.article_count) AS article_count
    FROM widened AS w,
        unnest(tsvector_to_array(to_tsvector('english'::regconfig, w.words))) AS l (lexeme)
    JOIN knowledge_words AS k ON k.account_id = @account_id AND k.lexeme = l.lexeme AND k.article_count > 0
    GROUP BY w.term, l.lexeme
),
terms AS MATERIALIZED (
    SELECT DISTINCT ON (t.lexemes) t.*
    FROM (
        SELECT string_agg(wl.lexeme, ' ' ORDER BY wl.lexeme) AS lexemes,
            ln(1 + (greatest(n.n, max(wl.article_count)) - max(wl.article_count) + 0.5) / (max(wl.article_count) + 0.5)) AS weight,
            string_agg(quote_literal(wl.lexeme), ' | ')::tsquery AS query,
            string_agg(quote_literal(wl.lexeme) || ':BC', ' | ')::tsquery AS in_body,
            string_agg(quote_literal(wl.lexeme) || ':B', ' | ')::tsquery AS in_lead,
            string_agg(quote_literal(wl.lexeme) || ':A', ' | ')::tsquery AS in_title
        FROM word_lexemes AS wl, articles AS n
        GROUP BY wl.term, n.n
    ) AS t
),
q AS (
    SELECT string_agg('(' || t.query::text || ')', ' | ')::tsquery AS query,
        string_agg('(' || t.in_title::text || ')', ' | ')::tsquery AS in_title,
        sum(t.weight) AS weight,
        @query::text ~* '^\W*how (do|can|should|would) (i|we|you)\M|^\W*how to\M' AS instructions
    FROM terms AS t
),
candidates AS MATERIALIZED (
    SELECT p.article_id, p.position, p.search,
        ts_rank_cd(p.search, q.query, 1) AS density,
        q.instructions AND left(p.body, 3) = 'To ' AS instructions,
        CASE WHEN p.search @@ q.in_title THEN length(to_tsvector('english'::regconfig, p.title)) END AS title_length
    FROM knowledge_passages AS p, q
    WHERE p.account_id = @account_id
        AND p.search @@ q.query
        AND (sqlc.narg(topics)::text[] IS NULL OR p.topic = any(sqlc.narg(topics)::text[]))
),
matches AS MATERIALIZED (
    SELECT c.article_id, c.position, t.lexemes AS term, t.weight, c.density, c.instructions, c.title_length,
        c.search @@ t.in_body AS in_body,
        c.search @@ t.in_lead AS in_lead,
        c.search @@ t.in_title AS in_title
    FROM candidates AS c
    JOIN terms AS t ON c.search @@ t.query
),
article_weights AS (
    SELECT m.article_id, sum(m.weight) AS weight
    FROM (SELECT DISTINCT article_id, term, weight FROM matches) AS m
    GROUP BY m.article_id
),
passages AS (
    SELECT m.article_id, m.position,
        coalesce(sum(m.weight) FILTER (WHERE m.in_body), 0) AS weight,
        coalesce(sum(m.weight) FILTER (WHERE m.in_lead), 0) AS lead_weight,
        coalesce(sum(m.weight) FILTER (WHERE m.in_title), 0) AS title_weight,
        coalesce(count(*) FILTER (WHERE m.in_title)::float8 / max(m.title_length), 0) AS title_share,
        max(m.density) AS density,
        coalesce(sum(m.weight) FILTER (WHERE m.in_lead AND m.instructions), 0) AS instructions_weight
    FROM matches AS m
    GROUP BY m.article_id, m.position
),
best AS (
    SELECT DISTINCT ON (p.article_id)
        p.article_id, p.position,
        (p.weight + p.lead_weight + p.title_weight + 0.3 * aw.weight) / q.weight + 0.3 * p.density + 0.1 / p.position
            + 0.5 * p.instructions_weight / q.weight + p.title_share AS score
    FROM passages AS p
    JOIN article_weights AS aw ON aw.article_id = p.article_id,
        q
    ORDER BY p.article_id, score DESC, p.position
),
top AS (
    SELECT *
    FROM best
    ORDER BY score DESC, article_id
    LIMIT @max
)
SELECT a.id, a.title, a.topic, a.url,
    kp.body AS passage,
    ts_headline('english'::regconfig, kp.body, q.query, 'StartSel=<mark>, StopSel=</mark>, HighlightAll=true')::text AS highlighted,
    top.score::real AS score
FROM top
JOIN knowledge_articles AS a ON a.account_id = @account_id AND a.id = top.article_id
JOIN knowledge_passages AS kp ON kp.account_id = @account_id AND kp.article_id = top.article_id AND kp.position = top.position,
    q
ORDER BY top.score DESC, a.id;
