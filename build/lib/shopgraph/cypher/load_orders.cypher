// Load orders: each order by id with (:User)-[:PLACED]->(:Order)-[:CONTAINS {quantity, price}]->(:Product).
// One row per shopper with their orders, so two batches written at once never wait on the same shopper.
// An order's lines travel as parallel lists, each product with its key from product_keys.cypher, read as
// the stage begins (products are only ever deleted by emptying the whole graph; a null key finds nothing,
// as an unknown product id would).
// An order and its lines are written in one transaction, so an order without CONTAINS edges is new: its
// lines are CREATEd outright (no per-line existence check, the bulk of a first load); an order that has
// lines MERGEs them and sets their values again. Either way a rerun changes nothing. Users and products
// exist already.
// Parameters: $rows, a list of {userId: string, orders: [{id: string, at: epoch millis,
//   productIds: [string], productKeys: [string], quantities: [float], prices: [float|null]}]}
// Columns: none (a write)
// Writes: Order nodes, PLACED and CONTAINS edges.
// Example: $rows = [{userId: '17850', orders: [{id: '536365', at: 1291191960000,
//   productIds: ['85123A'], productKeys: ['4:…:17'], quantities: [6.0], prices: [2.55]}]}]
UNWIND $rows AS shopper
MATCH (user:User {id: shopper.userId})
UNWIND shopper.orders AS row
MERGE (order:Order {id: row.id})
SET order.at = datetime({epochMillis: row.at})
MERGE (user)-[:PLACED]->(order)
WITH order, row, EXISTS { (order)-[:CONTAINS]->() } AS written
CALL (order, row, written) {
  WITH order, row WHERE NOT written
  UNWIND range(0, size(row.productIds) - 1) AS line
  MATCH (product:Product) WHERE elementId(product) = row.productKeys[line]
  CREATE (order)-[:CONTAINS {quantity: row.quantities[line], price: row.prices[line]}]->(product)
}
CALL (order, row, written) {
  WITH order, row WHERE written
  UNWIND range(0, size(row.productIds) - 1) AS line
  MATCH (product:Product) WHERE elementId(product) = row.productKeys[line]
  MERGE (order)-[contains:CONTAINS]->(product)
  SET contains.quantity = row.quantities[line], contains.price = row.prices[line]
}
