// A shopper's cart: each product with its quantity, the most recently added first.
// Parameters: userId (string)
// Columns: product (map: id, name, price, currency, imageUrl, brand, avgRating, ratingCount), quantity (int),
//          at (datetime)
// Example: shopgraph cypher cart_lines -p userId='"17850"'
MATCH (:User {id: $userId})-[c:ADDED_TO_CART]->(p:Product)
RETURN p {.id, .name, .price, .currency, .imageUrl, .brand, .avgRating, .ratingCount} AS product,
       c.quantity AS quantity, c.at AS at
ORDER BY c.at DESC, p.name
