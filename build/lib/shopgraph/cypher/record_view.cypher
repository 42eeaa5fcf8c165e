// Records that a shopper opened a product page: VIEWED {count, at}, the count going up by one.
// Parameters: userId (string), productId (string)
// Columns: count (int); no row when the shopper or product is unknown
// Writes: VIEWED. Example: graph.write("record_view", userId=..., productId="22423")
MATCH (u:User {id: $userId}), (p:Product {id: $productId})
MERGE (u)-[v:VIEWED]->(p)
ON CREATE SET v.count = 0
SET v.count = v.count + 1, v.at = datetime()
RETURN v.count AS count
