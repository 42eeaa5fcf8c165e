// "Bought with": the trained BOUGHT_WITH neighbours (co-interaction) of the shopper's products, each naming the
// product it was bought (or rated) with. A collaborative candidate source of the recommendation service; with
// one seed it is the product page's "bought together" row.
// The edges are learnt from purchases and ratings alike, so the reason says which the seed's shoppers mostly
// did: 'rated_with' when more shoppers rated the seed than bought it (as in a MovieLens-style shop of ratings
// and no orders), else 'bought_with'. Two relationship counts per seed, read from the node: no walk.
// Parameters: seeds (list of {id, weight}: the shopper's products and how much each says about them),
//             perSeed (int: neighbours per seed), limit (int: rows)
// Columns: source ('bought_with'), productId, score (seed weight x edge score),
//          reason ({kind: 'bought_with' | 'rated_with', product: seed id})
// Example: shopgraph cypher bought_with -p 'seeds=[{"id": "85123A", "weight": 1.0}]' -p perSeed=10 -p limit=20
UNWIND $seeds AS seed
MATCH (s:Product {id: seed.id})
WITH s, seed, CASE WHEN COUNT { (s)<-[:RATED]-() } > COUNT { (s)<-[:PURCHASED]-() } THEN 'rated_with'
                   ELSE 'bought_with' END AS evidence
CALL (s, seed) {
  MATCH (s)-[w:BOUGHT_WITH]->(p:Product)
  RETURN p, seed.weight * w.score AS score
  ORDER BY score DESC
  LIMIT $perSeed
}
RETURN 'bought_with' AS source, p.id AS productId, score, {kind: evidence, product: s.id} AS reason
ORDER BY score DESC
LIMIT $limit
