// One order, only when it belongs to the given shopper (a shopper never sees another's orders).
// Parameters: userId (string), orderId (string)
// Columns: order (map: id, at), lines (list of {product: {id, name, price, currency, imageUrl}, quantity, price}),
//          total (float)
// Example: shopgraph cypher shopper_order -p userId='"17850"' -p orderId='"536365"'
MATCH (:User {id: $userId})-[:PLACED]->(o:Order {id: $orderId})-[line:CONTAINS]->(p:Product|RetiredProduct)
WITH o, line, p ORDER BY p.name
RETURN o {.id, .at} AS order,
       collect({product: p {.id, .name, .price, .currency, .imageUrl}, quantity: line.quantity,
                price: line.price}) AS lines,
       sum(line.quantity * coalesce(line.price, 0.0)) AS total
