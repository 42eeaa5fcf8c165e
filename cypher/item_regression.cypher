// "Predicted by what you took": the item_regression generator (models/item_regression.py). Each of the shopper's
// latest products (any interaction but a dislike, at most takenLimit of them) lends its trained PREDICTS weights to
// the products it predicts -- positive or negative: a film that everyone else's taste predicts may be one this
// shopper's taste predicts against. A candidate's score is the sum over all of them, every product counting once:
// the sum the model computes in training, so the ranker is fed the scores it learnt from. Only candidates with a
// positive sum are returned. The reason names the product that lent the most, and says whether its shoppers mostly
// bought it ('bought_with') or rated it ('rated_with', as in a shop of ratings and no orders).
// Only the live model version's edges are read: PREDICTS edges follow its BOUGHT_WITH version.
// Parameters: userId (string), takenLimit (int: latest products walked from), predicted (int: products returned)
// Columns: source ('item_regression'), productId, score (summed weights),
//          reason ({kind: 'bought_with' | 'rated_with', product: the product that lent the most})
// Example: shopgraph cypher item_regression -p userId='"12347"' -p takenLimit=300 -p predicted=20
WITH head(COLLECT { MATCH (v:ModelVersion) WHERE v.publishedAt IS NOT NULL
                    RETURN coalesce(v.boughtWithVersion, v.version) ORDER BY v.publishedAt DESC LIMIT 1 }) AS live
MATCH (:User {id: $userId})-[r:PURCHASED|RATED|LIKED|ADDED_TO_CART|VIEWED]->(s:Product)
WITH live, s, max(r.at) AS at
ORDER BY at DESC, s.id
LIMIT $takenLimit
WITH live, collect(s) AS taken
// Summed per product inside the subquery, so the aggregation is keyed by the product alone (not by the list of
// taken products as well), and the products taken are struck out only from the best rows: at most takenLimit of
// them can be, so predicted + takenLimit rows suffice. Each edge costs its traversal, its version and its score.
CALL (live, taken) {
  UNWIND taken AS s
  MATCH (s)-[w:PREDICTS {version: live}]->(p)
  WITH p, sum(w.score) AS score, collect([w.score, s]) AS lent
  WHERE score > 0
  RETURN p, score, lent
  ORDER BY score DESC
  LIMIT $predicted + $takenLimit
}
WITH p, score, lent
WHERE NOT p IN taken
ORDER BY score DESC, p.id
LIMIT $predicted
WITH p, score, reduce(best = lent[0], pair IN lent | CASE WHEN pair[0] > best[0] THEN pair ELSE best END)[1] AS strongest
RETURN 'item_regression' AS source, p.id AS productId, score,
       {kind: CASE WHEN COUNT { (strongest)<-[:RATED]-() } > COUNT { (strongest)<-[:PURCHASED]-() }
                   THEN 'rated_with' ELSE 'bought_with' END,
        product: strongest.id} AS reason
