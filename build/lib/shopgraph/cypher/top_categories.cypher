// The categories selling most in orders placed since $since (each product counted in its own leaf categories):
// orders, units and how many different products sold.
// Parameters: since (datetime), limit (int)
// Columns: category (map: id, name), orders (int), units (float), products (int)
// Example: shopgraph cypher top_categories -p since='"2011-11-01T00:00:00Z"' -p limit=10
MATCH (o:Order)-[c:CONTAINS]->(p:Product)-[:IN_CATEGORY]->(cat:Category)
WHERE o.at >= datetime($since)
WITH cat, count(DISTINCT o) AS orders, sum(c.quantity) AS units, count(DISTINCT p) AS products
ORDER BY orders DESC, units DESC, cat.id
LIMIT $limit
RETURN cat {.id, .name} AS category, orders, units, products
