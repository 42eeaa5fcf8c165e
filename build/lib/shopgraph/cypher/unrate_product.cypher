// A shopper takes back their rating of a product; avgRating and ratingCount are adjusted (null average when
// no rating is left). The product is write-locked first, as in rate_product.
// Parameters: userId (string), productId (string)
// Columns: previous (int or null: the rating removed), avgRating (float or null), ratingCount (int); no row when unknown
// Writes: deletes RATED, Product.avgRating/ratingCount. Example: graph.write("unrate_product", userId=..., productId="22423")
MATCH (u:User {id: $userId}), (p:Product {id: $productId})
SET p.ratingLock = true
WITH u, p
OPTIONAL MATCH (u)-[old:RATED]->(p)
WITH u, p, old, old.rating AS previous, coalesce(p.ratingCount, 0) AS n, coalesce(p.avgRating, 0.0) AS mean
DELETE old
SET p.ratingCount = CASE WHEN previous IS NULL THEN n WHEN n <= 1 THEN 0 ELSE n - 1 END,
    p.avgRating = CASE WHEN previous IS NULL THEN p.avgRating WHEN n <= 1 THEN null
                       ELSE (mean * n - previous) / (n - 1) END
REMOVE p.ratingLock
RETURN previous, p.avgRating AS avgRating, p.ratingCount AS ratingCount
