// Load cart additions: (:User)-[:ADDED_TO_CART {quantity: total added, at: latest}]->(:Product).
// Parameters: $rows, a list of {userId: string, productId: string, quantity: float, at: epoch millis}
// Columns: none (a write)
// Writes: ADDED_TO_CART edges.
// Example: $rows = [{userId: 'u1', productId: 'p1', quantity: 2.0, at: 1700000000000}]
UNWIND $rows AS row
MATCH (user:User {id: row.userId})
MATCH (product:Product {id: row.productId})
MERGE (user)-[cart:ADDED_TO_CART]->(product)
SET cart.quantity = row.quantity, cart.at = datetime({epochMillis: row.at})
