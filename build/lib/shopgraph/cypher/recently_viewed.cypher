// The products a shopper opened most recently.
// Parameters: userId (string), limit (int)
// Columns: product (map: id, name, price, currency, imageUrl, brand, avgRating, ratingCount), at (datetime),
//          count (int)
// Example: shopgraph cypher recently_viewed -p userId='"17850"' -p limit=8
MATCH (:User {id: $userId})-[v:VIEWED]->(p:Product)
RETURN p {.id, .name, .price, .currency, .imageUrl, .brand, .avgRating, .ratingCount} AS product, v.at AS at,
       v.count AS count
ORDER BY v.at DESC
LIMIT $limit
