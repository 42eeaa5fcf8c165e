// A shopper dislikes a product: DISLIKED {at}; a like of the same product is taken back.
// Parameters: userId (string), productId (string)
// Columns: disliked (bool); no row when the shopper or product is unknown
// Writes: DISLIKED, deletes LIKED. Example: graph.write("dislike_product", userId=..., productId="22423")
MATCH (u:User {id: $userId}), (p:Product {id: $productId})
OPTIONAL MATCH (u)-[l:LIKED]->(p)
DELETE l
MERGE (u)-[d:DISLIKED]->(p)
SET d.at = datetime()
RETURN true AS disliked
