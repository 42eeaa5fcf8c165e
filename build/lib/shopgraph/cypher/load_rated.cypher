// Load ratings: (:User)-[:RATED {rating: 1-5, at}]->(:Product), each user's latest rating of each product.
// One row per user, the products as parallel lists with their keys from product_keys.cypher (a null key
// finds nothing). A user with no RATED edge yet gets theirs CREATEd outright (the bulk of a first load);
// otherwise each edge is MERGEd and its values set again, so a rerun changes nothing.
// Parameters: $rows, a list of {userId: string, productIds: [string], productKeys: [string],
//   ratings: [float], ats: [epoch millis]}
// Columns: none (a write)
// Writes: RATED edges.
// Example: $rows = [{userId: '196', productIds: ['242'], productKeys: ['4:…:17'], ratings: [3.0],
//   ats: [881250949000]}]
UNWIND $rows AS row
MATCH (user:User {id: row.userId})
WITH user, row, EXISTS { (user)-[:RATED]->() } AS written
CALL (user, row, written) {
  WITH user, row WHERE NOT written
  UNWIND range(0, size(row.productIds) - 1) AS i
  MATCH (product:Product) WHERE elementId(product) = row.productKeys[i]
  CREATE (user)-[:RATED {rating: row.ratings[i], at: datetime({epochMillis: row.ats[i]})}]->(product)
}
CALL (user, row, written) {
  WITH user, row WHERE written
  UNWIND range(0, size(row.productIds) - 1) AS i
  MATCH (product:Product) WHERE elementId(product) = row.productKeys[i]
  MERGE (user)-[rated:RATED]->(product)
  SET rated.rating = row.ratings[i], rated.at = datetime({epochMillis: row.ats[i]})
}
