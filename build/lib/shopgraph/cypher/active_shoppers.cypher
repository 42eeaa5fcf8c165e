// Shoppers with the most orders (ties: most products taken), to pick one whose recommendations to inspect.
// Parameters: limit (int)
// Columns: id, name, orders (int)
// Example: shopgraph cypher active_shoppers -p limit=10
MATCH (u:User)
WITH u, COUNT { (u)-[:PLACED]->() } AS orders, COUNT { (u)-[:PURCHASED|RATED|LIKED]->() } AS taken
WHERE orders > 0 OR taken > 0
RETURN u.id AS id, u.name AS name, orders
ORDER BY orders DESC, taken DESC, id
LIMIT $limit
