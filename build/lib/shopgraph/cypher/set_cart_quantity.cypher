// Sets how many of a product are in a shopper's cart (the product must already be there).
// Parameters: userId (string), productId (string), quantity (int > 0)
// Columns: quantity (int)
// Writes: ADDED_TO_CART.quantity. Example: graph.write("set_cart_quantity", userId=..., productId="22423", quantity=3)
MATCH (:User {id: $userId})-[c:ADDED_TO_CART]->(:Product {id: $productId})
SET c.quantity = $quantity, c.at = datetime()
RETURN c.quantity AS quantity
