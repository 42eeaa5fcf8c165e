// The text the content (TF-IDF) model reads for some products: name, description, category path (root first,
// joined by " > "), brand and tags. Used to give new products SIMILAR_TO neighbours with the trained model.
// Parameters: productIds (list of ids)
// Columns: id, name, description, categoryPath, brand, tags (list of strings)
// Example: shopgraph cypher products_for_content -p 'productIds=["85123A"]'
UNWIND $productIds AS id
MATCH (p:Product {id: id})
CALL (p) {
  OPTIONAL MATCH trail = (root:Category)-[:PARENT_OF*0..]->(:Category)<-[:IN_CATEGORY]-(p)
  WHERE NOT EXISTS { (:Category)-[:PARENT_OF]->(root) }
  WITH trail ORDER BY length(trail) DESC LIMIT 1
  RETURN CASE WHEN trail IS NULL THEN '' ELSE reduce(path = '', c IN [n IN nodes(trail) WHERE n:Category] |
           path + CASE WHEN path = '' THEN '' ELSE ' > ' END + c.name) END AS categoryPath
}
RETURN p.id AS id, coalesce(p.name, '') AS name, coalesce(p.description, '') AS description, categoryPath,
       coalesce(p.brand, [(p)-[:MADE_BY]->(b:Brand) | b.name][0], '') AS brand,
       [(p)-[:TAGGED]->(t:Tag) | t.name] AS tags
