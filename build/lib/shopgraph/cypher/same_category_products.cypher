// Products filed in the same category as a product (its leaf categories), most popular first; the shop's
// fallback for "Similar items" and "Bought together" while the recommender has nothing to say.
// Parameters: productId (string), limit (int)
// Columns: product (map: id, name, price, currency, imageUrl, brand, avgRating, ratingCount), category (map: id, name)
// Example: shopgraph cypher same_category_products -p productId='"22423"' -p limit=8
MATCH (p:Product {id: $productId})-[:IN_CATEGORY]->(c:Category)<-[:IN_CATEGORY]-(other:Product)
WHERE other <> p
WITH DISTINCT other, c
WITH other, head(collect(c)) AS c, COUNT { (other)<-[:PURCHASED|RATED|LIKED]-() } AS popularity
ORDER BY popularity DESC, other.name
LIMIT $limit
RETURN other {.id, .name, .price, .currency, .imageUrl, .brand, .avgRating, .ratingCount} AS product,
       c {.id, .name} AS category
