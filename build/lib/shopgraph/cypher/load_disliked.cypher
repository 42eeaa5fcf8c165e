// Load dislikes: (:User)-[:DISLIKED {at}]->(:Product); a dislike replaces an earlier like of the same product.
// Parameters: $rows, a list of {userId: string, productId: string, at: epoch millis}
// Columns: none (a write)
// Writes: DISLIKED edges; deletes a LIKED edge of the same product.
// Example: $rows = [{userId: 'u1', productId: 'p2', at: 1700000000000}]
UNWIND $rows AS row
MATCH (user:User {id: row.userId})
MATCH (product:Product {id: row.productId})
MERGE (user)-[disliked:DISLIKED]->(product)
SET disliked.at = datetime({epochMillis: row.at})
WITH user, product
OPTIONAL MATCH (user)-[liked:LIKED]->(product)
DELETE liked
