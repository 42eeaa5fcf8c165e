// The category tree: every category with its parent and the number of products filed directly under it.
// Parameters: none
// Columns: id (string), name (string), parentId (string or null), products (int)
// Example: shopgraph cypher category_tree
MATCH (c:Category)
OPTIONAL MATCH (parent:Category)-[:PARENT_OF]->(c)
RETURN c.id AS id, c.name AS name, parent.id AS parentId,
       COUNT { (c)<-[:IN_CATEGORY]-(:Product) } AS products
ORDER BY c.name
