// How many products a full-text product search finds (for paging).
// Parameters: lucene (string, Lucene, as for search_products)
// Columns: total (int)
// Example: shopgraph cypher count_search_products -p lucene='"(heart^4 OR heart* OR heart~1)"'
CALL db.index.fulltext.queryNodes('product_text', $lucene) YIELD node
RETURN count(node) AS total
