// Places an order: (:User)-[:PLACED]->(:Order)-[:CONTAINS {quantity, price}]->(:Product) at today's prices,
// updates the PURCHASED roll-up {count (orders), quantity (units), at}, and takes the ordered products out of
// the cart. Lines naming unknown products are skipped; no row when none is left.
// Parameters: userId (string), orderId (string), lines (list of {productId, quantity})
// Columns: order (map: id, at), lines (int), items (int), total (float)
// Writes: Order, PLACED, CONTAINS, PURCHASED; deletes ADDED_TO_CART. Example: graph.write("place_order",
//         userId=..., orderId="...", lines=[{"productId": "22423", "quantity": 2}])
MATCH (u:User {id: $userId})
UNWIND $lines AS line
MATCH (p:Product {id: line.productId})
WITH u, p, line.quantity AS quantity
WITH u, collect({product: p, quantity: quantity}) AS lines
WHERE size(lines) > 0
CREATE (u)-[:PLACED]->(o:Order {id: $orderId, at: datetime()})
WITH u, o, lines
UNWIND lines AS line
WITH u, o, line.product AS p, line.quantity AS quantity
CREATE (o)-[:CONTAINS {quantity: quantity, price: p.price}]->(p)
MERGE (u)-[b:PURCHASED]->(p)
ON CREATE SET b.count = 0, b.quantity = 0
SET b.count = b.count + 1, b.quantity = b.quantity + quantity, b.at = o.at
WITH u, o, p, quantity
OPTIONAL MATCH (u)-[c:ADDED_TO_CART]->(p)
DELETE c
RETURN o {.id, .at} AS order, count(p) AS lines, sum(quantity) AS items,
       sum(quantity * coalesce(p.price, 0.0)) AS total
