// Category paths by id: each category's names from the root down to it ('Home > Kitchen > Mugs & Cups'), what a
// product's categoryPath holds (search reads it); ids that name no category are left out, so a caller can tell them.
// Parameters: categoryIds (list of strings)
// Columns: id (string), path (string)
// Example: shopgraph cypher category_paths -p categoryIds='["mugs", "gifts"]'
UNWIND $categoryIds AS categoryId
MATCH (c:Category {id: categoryId})
CALL (c) {
  MATCH trail = (root:Category)-[:PARENT_OF*0..]->(c)
  WHERE NOT EXISTS { (:Category)-[:PARENT_OF]->(root) }
  RETURN reduce(path = '', n IN nodes(trail) | path + CASE path WHEN '' THEN '' ELSE ' > ' END + n.name) AS path
  ORDER BY size(path) DESC
  LIMIT 1
}
RETURN c.id AS id, path
