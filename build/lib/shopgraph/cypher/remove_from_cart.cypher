// Takes a product out of a shopper's cart.
// Parameters: userId (string), productId (string)
// Columns: removed (int)
// Writes: deletes the ADDED_TO_CART edge. Example: graph.write("remove_from_cart", userId=..., productId="22423")
OPTIONAL MATCH (:User {id: $userId})-[c:ADDED_TO_CART]->(:Product {id: $productId})
DELETE c
RETURN count(c) AS removed
