// Puts a product in a shopper's cart (the cart lives in the graph as ADDED_TO_CART edges), adding to the
// quantity already there, capped at $maxQuantity. No row when the shopper or the product is unknown.
// Parameters: userId (string), productId (string), quantity (int > 0), maxQuantity (int)
// Columns: quantity (int, now in the cart)
// Writes: ADDED_TO_CART {quantity, at}. Example: graph.write("add_to_cart", userId=..., productId="22423",
//         quantity=1, maxQuantity=99)
MATCH (u:User {id: $userId}), (p:Product {id: $productId})
MERGE (u)-[c:ADDED_TO_CART]->(p)
ON CREATE SET c.quantity = 0
SET c.quantity = CASE WHEN c.quantity + $quantity > $maxQuantity THEN $maxQuantity ELSE c.quantity + $quantity END,
    c.at = datetime()
RETURN c.quantity AS quantity
