// Load orders: each order by id with (:User)-[:PLACED]->(:Order)-[:CONTAINS {quantity, price}]->(:Product).
// One row per shopper with their orders, so two batches written at once never wait on the same shopper.
// An order and its lines are written in one transaction, so an order without CONTAINS edges is new: its
// lines are CREATEd outright (no per-line existence check, the bulk of a first load); an order that has
// lines MERGEs them and sets their values again. Either way a rerun changes nothing. Users and products
// exist already.
// Parameters: $rows, a list of {userId: string, orders: [{id: string, at: epoch millis,
//   items: [{productId: string, quantity: float, price: float|null}]}]}
// Columns: none (a write)
// Writes: Order nodes, PLACED and CONTAINS edges.
// Example: $rows = [{userId: '17850', orders: [{id: '536365', at: 1291191960000,
//   items: [{productId: '85123A', quantity: 6.0, price: 2.55}]}]}]
UNWIND $rows AS shopper
MATCH (user:User {id: shopper.userId})
UNWIND shopper.orders AS row
MERGE (order:Order {id: row.id})
SET order.at = datetime({epochMillis: row.at})
MERGE (user)-[:PLACED]->(order)
WITH order, row, EXISTS { (order)-[:CONTAINS]->() } AS written
CALL (order, row, written) {
  WITH order, row WHERE NOT written
  UNWIND row.items AS item
  MATCH (product:Product {id: item.productId})
  CREATE (order)-[:CONTAINS {quantity: item.quantity, price: item.price}]->(product)
}
CALL (order, row, written) {
  WITH order, row WHERE written
  UNWIND row.items AS item
  MATCH (product:Product {id: item.productId})
  MERGE (order)-[contains:CONTAINS]->(product)
  SET contains.quantity = item.quantity, contains.price = item.price
}
