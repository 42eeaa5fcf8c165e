// Similar products: the trained SIMILAR_TO neighbours (TF-IDF content) of the shopper's products, each naming
// the product it resembles. A content candidate source; with one seed it is the product page's "similar items".
// Only the live model version's neighbours are read (published_model.cypher), and hand-made unversioned ones: a
// version still being published, or what a failed publish left, is never served.
// Parameters: seeds (list of {id, weight}), perSeed (int: neighbours per seed), limit (int: rows)
// Columns: source ('similar_products'), productId, score (seed weight x similarity),
//          reason ({kind: 'similar_to', product: seed id})
// Example: shopgraph cypher similar_products -p 'seeds=[{"id": "85123A", "weight": 1.0}]' -p perSeed=10 -p limit=20
WITH head(COLLECT { MATCH (v:ModelVersion) WHERE v.publishedAt IS NOT NULL
                    RETURN coalesce(v.similarToVersion, v.version) ORDER BY v.publishedAt DESC LIMIT 1 }) AS live
UNWIND $seeds AS seed
MATCH (s:Product {id: seed.id})
CALL (s, seed, live) {
  MATCH (s)-[w:SIMILAR_TO]->(p:Product)
  WHERE w.version IS NULL OR w.version = live
  RETURN p, seed.weight * w.score AS score
  ORDER BY score DESC
  LIMIT $perSeed
}
RETURN 'similar_products' AS source, p.id AS productId, score, {kind: 'similar_to', product: s.id} AS reason
ORDER BY score DESC
LIMIT $limit
