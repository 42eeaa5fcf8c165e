// Products that share a category, a brand or a tag with the shopper's products: the categories, brands and tags
// of the seeds, strongest first (a category counts 1, a brand 0.8, a tag 0.5, times the seeds' summed weight),
// and the most popular products of each, scored x log(2 + popularity). A content candidate source that needs no
// training: it is how a new product or a shopper who only browsed gets candidates.
// Parameters: seeds (list of {id, weight}), groups (int: categories/brands/tags followed), perSeed (int: products
//             per group), limit (int: rows)
// Columns: source ('same_category_brand_tag'), productId, score, reason ({kind: 'same_category', category: name}
//          or {kind: 'same_brand', brand} or {kind: 'same_tag', tag})
// Example: shopgraph cypher same_category_brand_tag -p 'seeds=[{"id": "85123A", "weight": 1.0}]' -p groups=5 -p perSeed=10 -p limit=30
UNWIND $seeds AS seed
MATCH (s:Product {id: seed.id})
CALL (s) {
  MATCH (s)-[:IN_CATEGORY]->(g:Category)
  RETURN g, 1.0 AS kindWeight, {kind: 'same_category', category: g.name} AS reason
  UNION ALL
  MATCH (s)-[:MADE_BY]->(g:Brand)
  RETURN g, 0.8 AS kindWeight, {kind: 'same_brand', brand: g.name} AS reason
  UNION ALL
  MATCH (s)-[:TAGGED]->(g:Tag)
  RETURN g, 0.5 AS kindWeight, {kind: 'same_tag', tag: g.name} AS reason
}
WITH g, reason, kindWeight, sum(seed.weight) AS seedWeight, collect(s) AS seedProducts
WITH g, reason, kindWeight * seedWeight AS weight, seedProducts
ORDER BY weight DESC
LIMIT $groups
CALL (g, seedProducts) {
  MATCH (g)<-[:IN_CATEGORY|MADE_BY|TAGGED]-(p:Product)
  WHERE NOT p IN seedProducts
  WITH p, COUNT { (p)<-[:PURCHASED|LIKED|RATED]-() } AS popularity
  ORDER BY popularity DESC
  LIMIT $perSeed
  RETURN p, popularity
}
WITH p, reason, sum(weight * log(2 + popularity)) AS score
RETURN 'same_category_brand_tag' AS source, p.id AS productId, score, reason
ORDER BY score DESC
LIMIT $limit
