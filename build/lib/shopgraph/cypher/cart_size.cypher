// How many items (units) are in a shopper's cart, for the header.
// Parameters: userId (string)
// Columns: items (int)
// Example: shopgraph cypher cart_size -p userId='"17850"'
OPTIONAL MATCH (:User {id: $userId})-[c:ADDED_TO_CART]->(:Product)
RETURN coalesce(sum(c.quantity), 0) AS items
