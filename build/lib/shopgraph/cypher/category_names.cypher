// Category names for a list of ids (to put a recommendation's reason into words).
// Parameters: categoryIds (list of strings)
// Columns: id (string), name (string)
// Example: shopgraph cypher category_names -p categoryIds='["kitchen"]'
UNWIND $categoryIds AS categoryId
MATCH (c:Category {id: categoryId})
RETURN c.id AS id, c.name AS name
