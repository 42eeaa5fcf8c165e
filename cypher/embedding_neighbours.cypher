// Products whose node embedding lies nearest a taste vector (the shopper's own embedding, or the mean of their
// products' embeddings), through the product_embedding vector index (cosine, scores in [0, 1]).
// Parameters: vector (list of 64 floats), limit (int: rows)
// Columns: source ('embedding_neighbours'), productId, score, reason ({kind: 'matches_your_taste'})
// Example: shopgraph cypher embedding_neighbours -p 'vector=[1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]' -p limit=10
// (That taste is the first axis of the embedding space.) Or a shopper's own taste: shopgraph cypher embedding_neighbours -p "vector=$(shopgraph cypher 'MATCH (u:User {id: \"12347\"}) RETURN u.embedding AS v' --json | jq -c '.[0].v')" -p limit=10
CALL db.index.vector.queryNodes('product_embedding', $limit, $vector) YIELD node AS p, score
RETURN 'embedding_neighbours' AS source, p.id AS productId, score, {kind: 'matches_your_taste'} AS reason
ORDER BY score DESC
