// Load the purchase roll-up: (:User)-[:PURCHASED {count: orders, quantity: total, at: latest}]->(:Product),
// computed from the whole dataset and set (not added), so a rerun changes nothing. One row per user, the
// products as parallel lists with their keys from product_keys.cypher (a null key finds nothing). A user
// with no PURCHASED edge yet gets theirs CREATEd outright (the bulk of a first load); otherwise each edge
// is MERGEd. (Only the loader writes edges for dataset users, who cannot sign in, so nothing races it.)
// Parameters: $rows, a list of {userId: string, productIds: [string], productKeys: [string],
//   counts: [int], quantities: [float], ats: [epoch millis]}
// Columns: none (a write)
// Writes: PURCHASED edges.
// Example: $rows = [{userId: '17850', productIds: ['85123A'], productKeys: ['4:…:17'], counts: [12],
//   quantities: [96.0], ats: [1291191960000]}]
UNWIND $rows AS row
MATCH (user:User {id: row.userId})
WITH user, row, EXISTS { (user)-[:PURCHASED]->() } AS written
CALL (user, row, written) {
  WITH user, row WHERE NOT written
  UNWIND range(0, size(row.productIds) - 1) AS i
  MATCH (product:Product) WHERE elementId(product) = row.productKeys[i]
  CREATE (user)-[:PURCHASED {count: row.counts[i], quantity: row.quantities[i],
                             at: datetime({epochMillis: row.ats[i]})}]->(product)
}
CALL (user, row, written) {
  WITH user, row WHERE written
  UNWIND range(0, size(row.productIds) - 1) AS i
  MATCH (product:Product) WHERE elementId(product) = row.productKeys[i]
  MERGE (user)-[purchased:PURCHASED]->(product)
  SET purchased.count = row.counts[i], purchased.quantity = row.quantities[i],
      purchased.at = datetime({epochMillis: row.ats[i]})
}
