// A shopper takes back a dislike.
// Parameters: userId (string), productId (string)
// Columns: removed (int); no row when the shopper or product is unknown
// Writes: deletes DISLIKED. Example: graph.write("undislike_product", userId=..., productId="22423")
MATCH (u:User {id: $userId}), (p:Product {id: $productId})
OPTIONAL MATCH (u)-[d:DISLIKED]->(p)
DELETE d
RETURN count(d) AS removed
