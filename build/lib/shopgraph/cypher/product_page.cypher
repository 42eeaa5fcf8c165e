// Product page: one product with its category trail (root first), brand and tags.
// Parameters: productId (string)
// Columns: product (map: id, name, description, price, currency, imageUrl, brand, avgRating, ratingCount),
//          categories (list of {id, name}, root first; empty when uncategorised), tags (list of strings)
// Example: shopgraph cypher product_page -p productId='"22423"'
MATCH (p:Product {id: $productId})
CALL (p) {
  OPTIONAL MATCH (p)-[:IN_CATEGORY]->(leaf:Category)
  OPTIONAL MATCH trail = (root:Category)-[:PARENT_OF*0..]->(leaf)
  WHERE NOT EXISTS { (:Category)-[:PARENT_OF]->(root) }
  WITH [c IN coalesce(nodes(trail), []) | c {.id, .name}] AS categories
  RETURN categories
  ORDER BY size(categories) DESC
  LIMIT 1
}
CALL (p) {
  OPTIONAL MATCH (p)-[:TAGGED]->(t:Tag)
  RETURN collect(t.name) AS tags
}
RETURN p {.id, .name, .description, .price, .currency, .imageUrl, .brand, .avgRating, .ratingCount} AS product,
       categories, tags
