// The best-selling products in orders placed since $since: how many orders held each and how many units.
// Parameters: since (datetime), limit (int)
// Columns: product (map: id, name, price, brand), orders (int), units (float)
// Example: shopgraph cypher top_products -p since='"2011-11-01T00:00:00Z"' -p limit=10
MATCH (o:Order)-[c:CONTAINS]->(p:Product)
WHERE o.at >= datetime($since)
WITH p, count(DISTINCT o) AS orders, sum(c.quantity) AS units
ORDER BY orders DESC, units DESC, p.id
LIMIT $limit
RETURN p {.id, .name, .price, .brand} AS product, orders, units
