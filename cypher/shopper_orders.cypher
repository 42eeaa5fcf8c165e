// A shopper's orders, newest first, each with its lines.
// Parameters: userId (string), limit (int)
// Columns: order (map: id, at), lines (list of {product: {id, name, price, currency, imageUrl}, quantity, price}),
//          total (float)
// Example: shopgraph cypher shopper_orders -p userId='"17850"' -p limit=20
MATCH (:User {id: $userId})-[:PLACED]->(o:Order)
WITH o ORDER BY o.at DESC LIMIT $limit
MATCH (o)-[line:CONTAINS]->(p:Product|RetiredProduct)
WITH o, line, p ORDER BY p.name
RETURN o {.id, .at} AS order,
       collect({product: p {.id, .name, .price, .currency, .imageUrl}, quantity: line.quantity,
                price: line.price}) AS lines,
       sum(line.quantity * coalesce(line.price, 0.0)) AS total
ORDER BY order.at DESC
