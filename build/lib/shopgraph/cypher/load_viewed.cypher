// Load views: (:User)-[:VIEWED {count: number of views, at: latest}]->(:Product).
// Parameters: $rows, a list of {userId: string, productId: string, count: int, at: epoch millis}
// Columns: none (a write)
// Writes: VIEWED edges.
// Example: $rows = [{userId: 'u1', productId: 'p1', count: 3, at: 1700000000000}]
UNWIND $rows AS row
MATCH (user:User {id: row.userId})
MATCH (product:Product {id: row.productId})
MERGE (user)-[viewed:VIEWED]->(product)
SET viewed.count = row.count, viewed.at = datetime({epochMillis: row.at})
