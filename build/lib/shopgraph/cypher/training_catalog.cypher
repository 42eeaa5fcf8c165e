// Every product with what the models read about it: text for TF-IDF, price, categories, brand and tags.
// Parameters: none.
// Columns: id, name, description, price, brand, categoryId (the first of categoryIds; null when none),
//   categoryIds (every category the product is in, sorted), tags (sorted)
// Example: shopgraph cypher training_catalog --json
MATCH (product:Product)
CALL (product) {
  OPTIONAL MATCH (product)-[:IN_CATEGORY]->(category:Category)
  WITH category ORDER BY category.id
  RETURN collect(category.id) AS categoryIds
}
CALL (product) {
  OPTIONAL MATCH (product)-[:TAGGED]->(tag:Tag)
  WITH tag ORDER BY tag.name
  RETURN collect(tag.name) AS tags
}
RETURN product.id AS id, product.name AS name, product.description AS description, product.price AS price,
       coalesce(product.brand, [(product)-[:MADE_BY]->(brand:Brand) | brand.name][0]) AS brand,
       categoryIds[0] AS categoryId, categoryIds, tags
ORDER BY id
