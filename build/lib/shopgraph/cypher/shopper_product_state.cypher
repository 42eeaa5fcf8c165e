// What a shopper has said about one product: their rating, like or dislike, and how many are in their cart.
// Parameters: userId (string), productId (string)
// Columns: rating (int or null), liked (bool), disliked (bool), inCart (int)
// Example: shopgraph cypher shopper_product_state -p userId='"17850"' -p productId='"22423"'
MATCH (u:User {id: $userId}), (p:Product {id: $productId})
OPTIONAL MATCH (u)-[r:RATED]->(p)
OPTIONAL MATCH (u)-[c:ADDED_TO_CART]->(p)
RETURN r.rating AS rating, EXISTS { (u)-[:LIKED]->(p) } AS liked, EXISTS { (u)-[:DISLIKED]->(p) } AS disliked,
       coalesce(c.quantity, 0) AS inCart
