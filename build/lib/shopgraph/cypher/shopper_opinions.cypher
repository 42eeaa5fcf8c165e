// A shopper's ratings, likes and dislikes, newest first (their history page).
// Parameters: userId (string), limit (int)
// Columns: kind ('RATED' | 'LIKED' | 'DISLIKED'), rating (int or null), at (datetime),
//          product (map: id, name, price, currency, imageUrl, brand, avgRating, ratingCount)
// Example: shopgraph cypher shopper_opinions -p userId='"17850"' -p limit=100
MATCH (:User {id: $userId})-[r:RATED|LIKED|DISLIKED]->(p:Product)
RETURN type(r) AS kind, r.rating AS rating, r.at AS at,
       p {.id, .name, .price, .currency, .imageUrl, .brand, .avgRating, .ratingCount} AS product
ORDER BY r.at DESC
LIMIT $limit
