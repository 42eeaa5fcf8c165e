// Product search: one page of the `product_text` full-text index (name, description, brand, category path),
// best match first. $lucene is Lucene syntax built by graph.catalog.lucene_query from escaped words.
// Parameters: lucene (string, Lucene), skip (int), limit (int)
// Columns: product (map: id, name, price, currency, imageUrl, brand, avgRating, ratingCount), description (string),
//          score (float)
// Example: shopgraph cypher search_products -p lucene='"(heart^4 OR heart* OR heart~1)"' -p skip=0 -p limit=10
CALL db.index.fulltext.queryNodes('product_text', $lucene, {skip: $skip, limit: $limit}) YIELD node AS p, score
RETURN p {.id, .name, .price, .currency, .imageUrl, .brand, .avgRating, .ratingCount} AS product,
       p.description AS description, score
