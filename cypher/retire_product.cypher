// Takes a product out of the shop (DELETE /api/v1/products/{id}): the node loses its Product label, so the
// catalogue, search (the full-text and vector indexes are on :Product) and every candidate walk stop finding it at
// once, and becomes a RetiredProduct that keeps its id, name and price for the order lines (CONTAINS) and purchase
// roll-ups (PURCHASED) that name it. Its other links go: categories, brand, tags, SIMILAR_TO / BOUGHT_WITH
// neighbours, carts, views, likes, dislikes, ratings, served-list edges and merchandiser rule targets. Lists stored
// ahead of time that hold it stop holding (their activity mark is cleared), so those shoppers' next lists are made
// without it; finding them reads every shopper's stored list once, a cost paid per deleted product.
// Parameters: productId (string)
// Columns: retired (int: 1 when there was such a product, 0 otherwise)
// Writes: removes the Product label, sets RetiredProduct and retiredAt, deletes the product's other relationships,
//         sets User.recommendedFor to '' where the stored list holds it.
// Example: graph.write("retire_product", productId="22423")
OPTIONAL MATCH (p:Product {id: $productId})
CALL (p) {
  WITH p WHERE p IS NOT NULL
  MATCH (p)-[link]-()
  WHERE NOT type(link) IN ['CONTAINS', 'PURCHASED']
  DELETE link
}
CALL (p) {
  WITH p WHERE p IS NOT NULL
  MATCH (u:User) WHERE p.id IN u.recommendedIds
  SET u.recommendedFor = ''
}
CALL (p) {
  WITH p WHERE p IS NOT NULL
  REMOVE p:Product
  SET p:RetiredProduct, p.retiredAt = datetime()
}
RETURN count(p) AS retired
