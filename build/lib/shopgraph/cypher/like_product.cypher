// A shopper likes a product: LIKED {at}; a dislike of the same product is taken back (they exclude each other).
// Parameters: userId (string), productId (string)
// Columns: liked (bool); no row when the shopper or product is unknown
// Writes: LIKED, deletes DISLIKED. Example: graph.write("like_product", userId=..., productId="22423")
MATCH (u:User {id: $userId}), (p:Product {id: $productId})
OPTIONAL MATCH (u)-[d:DISLIKED]->(p)
DELETE d
MERGE (u)-[l:LIKED]->(p)
SET l.at = datetime()
RETURN true AS liked
