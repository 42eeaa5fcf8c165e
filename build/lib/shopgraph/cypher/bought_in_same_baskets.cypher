// Live co-purchase: products in the latest baskets (orders) holding the shopper's newest products, so a purchase
// made a minute ago counts before any retraining. Per seed, the products sharing most of those baskets are
// scored like cosine: baskets shared / sqrt(baskets read x orders holding the product). Wholesale baskets of
// more than maxBasket lines say little about taste and are skipped. "Latest" is the latest among the first
// 10 x basketsPerSeed orders Neo4j returns for the seed -- it returns a node's most recently written
// relationships first -- so a best-seller costs no more than a niche product.
// Parameters: liveSeeds (list of {id, weight}: the shopper's newest products), basketsPerSeed (int: latest orders
//             read per seed), maxBasket (int), perSeed (int: products kept per seed), limit (int: rows)
// Columns: source ('bought_in_same_baskets'), productId, score, reason ({kind: 'bought_with', product: seed id}:
//          the evidence is orders, so always purchases)
// Example: shopgraph cypher bought_in_same_baskets -p 'liveSeeds=[{"id": "85123A", "weight": 1.0}]' -p basketsPerSeed=10 -p maxBasket=100 -p perSeed=10 -p limit=20
UNWIND $liveSeeds AS seed
MATCH (s:Product {id: seed.id})
CALL (s, seed) {
  MATCH (s)<-[:CONTAINS]-(o:Order)
  WITH o LIMIT 10 * $basketsPerSeed
  WITH o ORDER BY o.at DESC LIMIT $basketsPerSeed
  WITH o WHERE COUNT { (o)-[:CONTAINS]->() } <= $maxBasket
  WITH collect(o) AS baskets
  UNWIND baskets AS o
  MATCH (o)-[:CONTAINS]->(p:Product)
  WHERE p <> s
  WITH p, count(*) AS shared, size(baskets) AS read
  ORDER BY shared DESC LIMIT 3 * $perSeed
  WITH p, seed.weight * shared / sqrt(toFloat(read) * COUNT { (p)<-[:CONTAINS]-() }) AS score
  RETURN p, score
  ORDER BY score DESC
  LIMIT $perSeed
}
RETURN 'bought_in_same_baskets' AS source, p.id AS productId, score, {kind: 'bought_with', product: s.id} AS reason
ORDER BY score DESC
LIMIT $limit
