// A shopper takes back a like.
// Parameters: userId (string), productId (string)
// Columns: removed (int); no row when the shopper or product is unknown
// Writes: deletes LIKED. Example: graph.write("unlike_product", userId=..., productId="22423")
MATCH (u:User {id: $userId}), (p:Product {id: $productId})
OPTIONAL MATCH (u)-[l:LIKED]->(p)
DELETE l
RETURN count(l) AS removed
