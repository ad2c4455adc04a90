-- DemoProductUpsert stores a product with its full-text document (title, tags,
-- description by falling weight) and the lower-case text that trigram search matches.
-- name: DemoProductUpsert :exec
INSERT INTO demo_products (
    account_id, id, title, description, price_minor, url, image_url, in_stock, tags, final_sale,
    search, search_text
) VALUES (
    @account_id, @id, @title, @description, @price_minor, @url, @image_url, @in_stock, @tags::text[], @final_sale,
    setweight(to_tsvector('english', @title), 'A')
        || setweight(to_tsvector('english', array_to_string(@tags::text[], ' ')), 'B')
        || setweight(to_tsvector('english', @description), 'C'),
    lower(@title || ' ' || array_to_string(@tags::text[], ' '))
)
ON CONFLICT (account_id, id) DO UPDATE
SET title = excluded.title,
    description = excluded.description,
    price_minor = excluded.price_minor,
    url = excluded.url,
    image_url = excluded.image_url,
    in_stock = excluded.in_stock,
    tags = excluded.tags,
    final_sale = excluded.final_sale,
    search = excluded.search,
    search_text = excluded.search_text;

-- DemoProductSearch ranks the products matching any word of the query (stemmed, so
-- plurals match) or resembling it letter by letter (trigrams, so misspellings match),
-- products in stock first among equals.
-- name: DemoProductSearch :many
WITH q AS (
    SELECT nullif(replace(plainto_tsquery('english', @query::text)::text, ' & ', ' | '), '')::tsquery AS tsq,
        lower(@query::text) AS text
)
SELECT p.id, p.title, p.description, p.price_minor, p.url, p.image_url, p.in_stock, p.tags, s.currency,
    (coalesce(ts_rank(p.search, q.tsq), 0) + strict_word_similarity(q.text, p.search_text) + strict_word_similarity(q.text, lower(p.title)))::real AS score
FROM demo_products AS p
JOIN demo_stores AS s ON s.account_id = p.account_id
CROSS JOIN q
WHERE p.account_id = @account_id
    AND (p.search @@ q.tsq OR strict_word_similarity(q.text, p.search_text) >= @min_similarity::real)
ORDER BY score DESC, p.in_stock DESC, p.title
LIMIT @max_rows;
