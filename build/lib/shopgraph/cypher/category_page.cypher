// A category with its trail from the root (itself last) and its child categories.
// Parameters: categoryId (string)
// Columns: category (map: id, name), trail (list of {id, name}, root first, ending with this category),
//          children (list of {id, name}, by name)
// Example: shopgraph cypher category_page -p categoryId='"kitchen"'
MATCH (c:Category {id: $categoryId})
CALL (c) {
  MATCH path = (root:Category)-[:PARENT_OF*0..]->(c)
  WHERE NOT EXISTS { (:Category)-[:PARENT_OF]->(root) }
  RETURN [n IN nodes(path) | n {.id, .name}] AS trail
  ORDER BY length(path) DESC
  LIMIT 1
}
CALL (c) {
  OPTIONAL MATCH (c)-[:PARENT_OF]->(child:Category)
  WITH child ORDER BY child.name
  RETURN collect(child {.id, .name}) AS children
}
RETURN c {.id, .name} AS category, trail, children
