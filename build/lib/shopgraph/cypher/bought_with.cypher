// "Bought with": the trained BOUGHT_WITH neighbours (co-interaction) of the shopper's products, each naming the
// product it was bought (or rated) with. A collaborative candidate source of the recommendation service; with
// one seed it is the product page's "bought together" row.
// The edges are learnt from purchases and ratings alike, so the reason says which the seed's shoppers mostly
// did: 'rated_with' when more shoppers rated the seed than bought it (as in a MovieLens-style shop of ratings
// and no orders), else 'bought_with'. Two relationship counts per seed, read from the node: no walk.
// Only the live model version's neighbours are read (published_model.cypher), and hand-made unversioned ones: a
// version still being published, or what a failed publish left, is never served.
// Parameters: seeds (list of {id, weight}: the shopper's products and how much each says about them),
//             perSeed (int: neighbours per seed), limit (int: rows)
// Columns: source ('bought_with'), productId, score (seed weight x edge score),
//          reason ({kind: 'bought_with' | 'rated_with', product: seed id})
// Example: shopgraph cypher bought_with -p 'seeds=[{"id": "85123A", "weight": 1.0}]' -p perSeed=10 -p limit=20
WITH head(COLLECT { MATCH (v:ModelVersion) WHERE v.publishedAt IS NOT NULL
                    RETURN coalesce(v.boughtWithVersion, v.version) ORDER BY v.publishedAt DESC LIMIT 1 }) AS live
UNWIND $seeds AS seed
MATCH (s:Product {id: seed.id})
WITH s, seed, live, CASE WHEN COUNT { (s)<-[:RATED]-() } > COUNT { (s)<-[:PURCHASED]-() } THEN 'rated_with'
                         ELSE 'bought_with' END AS evidence
CALL (s, seed, live) {
  MATCH (s)-[w:BOUGHT_WITH]->(p:Product)
  WHERE w.version IS NULL OR w.version = live
  RETURN p, seed.weight * w.score AS score
  ORDER BY score DESC
  LIMIT $perSeed
}
RETURN 'bought_with' AS source, p.id AS productId, score, {kind: evidence, product: s.id} AS reason
ORDER BY score DESC
LIMIT $limit
