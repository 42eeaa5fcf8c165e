// Load ratings: (:User)-[:RATED {rating: 1-5, at}]->(:Product), each user's latest rating of each product.
// One row per user: a user with no RATED edge yet gets theirs CREATEd outright (the bulk of a first load);
// otherwise each edge is MERGEd and its values set again, so a rerun changes nothing.
// Parameters: $rows, a list of {userId: string, items: [{productId: string, rating: float, at: epoch millis}]}
// Columns: none (a write)
// Writes: RATED edges.
// Example: $rows = [{userId: '196', items: [{productId: '242', rating: 3.0, at: 881250949000}]}]
UNWIND $rows AS row
MATCH (user:User {id: row.userId})
WITH user, row, EXISTS { (user)-[:RATED]->() } AS written
CALL (user, row, written) {
  WITH user, row WHERE NOT written
  UNWIND row.items AS item
  MATCH (product:Product {id: item.productId})
  CREATE (user)-[:RATED {rating: item.rating, at: datetime({epochMillis: item.at})}]->(product)
}
CALL (user, row, written) {
  WITH user, row WHERE written
  UNWIND row.items AS item
  MATCH (product:Product {id: item.productId})
  MERGE (user)-[rated:RATED]->(product)
  SET rated.rating = item.rating, rated.at = datetime({epochMillis: item.at})
}
