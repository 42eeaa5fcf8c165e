// A page of the products in a category and every category below it, in one of the whitelisted orders.
// The order is chosen by a CASE on $sort, never by text pasted into the query.
// Parameters: categoryId (string), sort ('popular' | 'price_asc' | 'price_desc' | 'rating'), skip (int), limit (int)
// Columns: product (map: id, name, price, currency, imageUrl, brand, avgRating, ratingCount),
//          popularity (int: shoppers who bought, rated or liked it)
// Example: shopgraph cypher category_products -p categoryId='"kitchen"' -p sort='"popular"' -p skip=0 -p limit=24
MATCH (:Category {id: $categoryId})-[:PARENT_OF*0..]->(:Category)<-[:IN_CATEGORY]-(p:Product)
WITH DISTINCT p
WITH p, COUNT { (p)<-[:PURCHASED|RATED|LIKED]-() } AS popularity
ORDER BY
  CASE $sort WHEN 'price_asc' THEN p.price END ASC,
  CASE $sort WHEN 'price_desc' THEN coalesce(p.price, -1.0) END DESC,
  CASE $sort WHEN 'rating' THEN coalesce(p.avgRating, -1.0) END DESC,
  CASE $sort WHEN 'rating' THEN coalesce(p.ratingCount, 0) END DESC,
  popularity DESC, p.name, p.id
SKIP $skip
LIMIT $limit
RETURN p {.id, .name, .price, .currency, .imageUrl, .brand, .avgRating, .ratingCount} AS product, popularity
