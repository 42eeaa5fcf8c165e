// A page of the whole catalogue in one of the whitelisted orders (a CASE on $sort).
// Parameters: sort ('popular' | 'price_asc' | 'price_desc' | 'rating'), skip (int), limit (int)
// Columns: product (map: id, name, price, currency, imageUrl, brand, avgRating, ratingCount), popularity (int)
// Example: shopgraph cypher catalog_products -p sort='"price_asc"' -p skip=0 -p limit=24
MATCH (p:Product)
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
