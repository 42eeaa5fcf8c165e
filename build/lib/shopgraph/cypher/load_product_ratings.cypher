// Recompute products' avgRating and ratingCount from their RATED edges (dataset and shop ratings alike).
// Parameters: $rows, a list of {id: string}, the products to refresh
// Columns: none (a write)
// Writes: Product.avgRating and Product.ratingCount.
// Example: $rows = [{id: '242'}, {id: '302'}]
UNWIND $rows AS row
MATCH (product:Product {id: row.id})
CALL (product) {
  OPTIONAL MATCH (:User)-[rated:RATED]->(product)
  RETURN avg(rated.rating) AS average, count(rated) AS ratings
}
SET product.avgRating = average, product.ratingCount = ratings
