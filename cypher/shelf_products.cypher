// The products shelves are most likely to show, for a process to read their cards ahead of its first shoppers
// (webapp/shelf_cache.py): the most ordered first, at most `limit` of them.
// Parameters: limit (int)
// Columns: productId (string)
// Example: shopgraph cypher shelf_products -p limit=20
MATCH (p:Product)
RETURN p.id AS productId
ORDER BY COUNT { (p)<-[:CONTAINS]-() } DESC, productId
LIMIT $limit
