// Products whose node embedding lies nearest a taste vector (the shopper's own embedding, or the mean of their
// products' embeddings), through the vector index of the live model version's vector slot (cosine, scores in
// [0, 1]): product_embedding for slot 1, product_embedding_2 for slot 2 (published_model.cypher). The index is
// asked for `nearest` more products than the shopper has (at most takenLimit more), so that leaving out the ones
// they took still leaves `nearest` (the caller leaves them out).
// Parameters: vector (list of 64 floats), nearest (int), userId (string or null: whose products to make up for),
//             takenLimit (int: at most this many of their products are made up for)
// Columns: source ('embedding_neighbours'), productId, score, reason ({kind: 'matches_your_taste'})
// Example: shopgraph cypher embedding_neighbours -p 'vector=[1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]' -p nearest=10 -p userId=null -p takenLimit=0
// (That taste is the first axis of the embedding space.) Or a shopper's own taste: shopgraph cypher embedding_neighbours -p "vector=$(shopgraph cypher 'MATCH (u:User {id: \"12347\"}) RETURN coalesce(u.embedding, u.embedding2) AS v' --json | jq -c '.[0].v')" -p nearest=10 -p userId=12347 -p takenLimit=300
WITH head(COLLECT { MATCH (v:ModelVersion) WHERE v.publishedAt IS NOT NULL
                    RETURN v.vectorSlot ORDER BY v.publishedAt DESC LIMIT 1 }) AS slot,
     COUNT { (:User {id: $userId})-->(:Product) } AS taken
CALL db.index.vector.queryNodes(CASE slot WHEN 2 THEN 'product_embedding_2' ELSE 'product_embedding' END,
                                $nearest + CASE WHEN taken < $takenLimit THEN taken ELSE $takenLimit END, $vector)
  YIELD node AS p, score
RETURN 'embedding_neighbours' AS source, p.id AS productId, score, {kind: 'matches_your_taste'} AS reason
ORDER BY score DESC
