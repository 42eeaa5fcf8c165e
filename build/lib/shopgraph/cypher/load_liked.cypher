// Load likes: (:User)-[:LIKED {at}]->(:Product); a like replaces an earlier dislike of the same product.
// Parameters: $rows, a list of {userId: string, productId: string, at: epoch millis}
// Columns: none (a write)
// Writes: LIKED edges; deletes a DISLIKED edge of the same product.
// Example: $rows = [{userId: 'u1', productId: 'p1', at: 1700000000000}]
UNWIND $rows AS row
MATCH (user:User {id: row.userId})
MATCH (product:Product {id: row.productId})
MERGE (user)-[liked:LIKED]->(product)
SET liked.at = datetime({epochMillis: row.at})
WITH user, product
OPTIONAL MATCH (user)-[disliked:DISLIKED]->(product)
DELETE disliked
