// Load the purchase roll-up: (:User)-[:PURCHASED {count: orders, quantity: total, at: latest}]->(:Product),
// computed from the whole dataset and set (not added), so a rerun changes nothing. One row per user: a user
// with no PURCHASED edge yet gets theirs CREATEd outright (the bulk of a first load); otherwise each edge is
// MERGEd. (Only the loader writes edges for dataset users, who cannot sign in, so nothing races it.)
// Parameters: $rows, a list of {userId: string,
//   items: [{productId: string, count: int, quantity: float, at: epoch millis}]}
// Columns: none (a write)
// Writes: PURCHASED edges.
// Example: $rows = [{userId: '17850', items: [{productId: '85123A', count: 12, quantity: 96.0, at: 1291191960000}]}]
UNWIND $rows AS row
MATCH (user:User {id: row.userId})
WITH user, row, EXISTS { (user)-[:PURCHASED]->() } AS written
CALL (user, row, written) {
  WITH user, row WHERE NOT written
  UNWIND row.items AS item
  MATCH (product:Product {id: item.productId})
  CREATE (user)-[:PURCHASED {count: item.count, quantity: item.quantity, at: datetime({epochMillis: item.at})}]->(product)
}
CALL (user, row, written) {
  WITH user, row WHERE written
  UNWIND row.items AS item
  MATCH (product:Product {id: item.productId})
  MERGE (user)-[purchased:PURCHASED]->(product)
  SET purchased.count = item.count, purchased.quantity = item.quantity,
      purchased.at = datetime({epochMillis: item.at})
}
