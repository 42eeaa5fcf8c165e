// The category tree as the models read it: each category with its parent (null for a root).
// Parameters: none.
// Columns: id, name, parentId
// Example: shopgraph cypher training_categories --json
MATCH (category:Category)
OPTIONAL MATCH (parent:Category)-[:PARENT_OF]->(category)
RETURN category.id AS id, category.name AS name, parent.id AS parentId
ORDER BY id
