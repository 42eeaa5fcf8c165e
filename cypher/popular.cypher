// Popular: products with the most shoppers who bought, liked or rated them well (4-5), of all time.
// Parameters: limit (int: rows)
// Columns: source ('popular'), productId, score (number of such shoppers), reason ({kind: 'popular'})
// Example: shopgraph cypher popular -p limit=10
MATCH (p:Product)
WITH p, COUNT { (p)<-[:PURCHASED|LIKED]-() } + COUNT { (p)<-[r:RATED]-() WHERE r.rating >= 4 } AS shoppers
WHERE shoppers > 0
RETURN 'popular' AS source, p.id AS productId, toFloat(shoppers) AS score, {kind: 'popular'} AS reason
ORDER BY score DESC, productId
LIMIT $limit
