// "Bought with": the trained BOUGHT_WITH neighbours (co-purchase) of the shopper's products, each naming the
// product it was bought with. A collaborative candidate source of the recommendation service; with one seed
// it is the product page's "bought together" row.
// Parameters: seeds (list of {id, weight}: the shopper's products and how much each says about them),
//             perSeed (int: neighbours per seed), limit (int: rows)
// Columns: source ('bought_with'), productId, score (seed weight x edge score), reason ({kind: 'bought_with',
//          product: seed id})
// Example: shopgraph cypher bought_with -p 'seeds=[{"id": "85123A", "weight": 1.0}]' -p perSeed=10 -p limit=20
UNWIND $seeds AS seed
MATCH (s:Product {id: seed.id})
CALL (s, seed) {
  MATCH (s)-[w:BOUGHT_WITH]->(p:Product)
  RETURN p, seed.weight * w.score AS score
  ORDER BY score DESC
  LIMIT $perSeed
}
RETURN 'bought_with' AS source, p.id AS productId, score, {kind: 'bought_with', product: s.id} AS reason
ORDER BY score DESC
LIMIT $limit
