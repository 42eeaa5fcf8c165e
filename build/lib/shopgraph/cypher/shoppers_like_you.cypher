// Shoppers like you: shoppers who recently bought, liked or rated well (4-5) the shopper's newest products
// (the latest buyersPerSeed of each), ranked by that overlap over the square root of how many products they
// took (so a wholesale buyer of everything is not everyone's twin); their latest products, voted by similarity.
// The user-to-user collaborative source of the recommendation service. "Latest" is the latest among the first
// ten times as many relationships as kept that Neo4j returns (its most recently written first), which bounds
// the cost of best-sellers and of shoppers with thousands of products.
// Parameters: userId (string), liveSeeds (list of {id, weight}), buyersPerSeed (int), neighbours (int: shoppers
//             kept), productsPerNeighbour (int), limit (int: rows)
// Columns: source ('shoppers_like_you'), productId, score (summed similarity of the shoppers who took it),
//          reason ({kind: 'liked_by_similar_shoppers'})
// Example: shopgraph cypher shoppers_like_you -p userId='"12347"' -p 'liveSeeds=[{"id": "85123A", "weight": 1.0}]' -p buyersPerSeed=25 -p neighbours=10 -p productsPerNeighbour=20 -p limit=50
MATCH (u:User {id: $userId})
UNWIND $liveSeeds AS seed
MATCH (s:Product {id: seed.id})
CALL (s, u) {
  MATCH (s)<-[r:PURCHASED|LIKED|RATED]-(other:User)
  WITH r, other LIMIT 10 * $buyersPerSeed
  WITH r, other WHERE other <> u AND coalesce(r.rating, 5) >= 4
  RETURN other
  ORDER BY r.at DESC
  LIMIT $buyersPerSeed
}
WITH other, sum(seed.weight) AS overlap
WITH other, overlap / sqrt(toFloat(COUNT { (other)-[:PURCHASED|LIKED|RATED]->() })) AS similarity
ORDER BY similarity DESC
LIMIT $neighbours
CALL (other) {
  MATCH (other)-[r:PURCHASED|LIKED|RATED]->(p:Product)
  WITH r, p LIMIT 10 * $productsPerNeighbour
  WITH r, p WHERE coalesce(r.rating, 5) >= 4
  RETURN p
  ORDER BY r.at DESC
  LIMIT $productsPerNeighbour
}
WITH p, sum(similarity) AS score
RETURN 'shoppers_like_you' AS source, p.id AS productId, score, {kind: 'liked_by_similar_shoppers'} AS reason
ORDER BY score DESC
LIMIT $limit
