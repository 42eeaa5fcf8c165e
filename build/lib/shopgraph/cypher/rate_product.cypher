// A shopper rates a product 1-5 (replacing their earlier rating) and the product's avgRating and ratingCount
// are adjusted in the same statement. The adjustment is incremental, so ratings that came with the data
// (e.g. the Walmart aggregates) keep counting. The product is write-locked first so that concurrent ratings
// do not lose updates.
// Parameters: userId (string), productId (string), rating (int 1-5)
// Columns: rating (int), previous (int or null), avgRating (float), ratingCount (int); no row when unknown
// Writes: RATED {rating, at}, Product.avgRating/ratingCount. Example: graph.write("rate_product", userId=...,
//         productId="22423", rating=4)
MATCH (u:User {id: $userId}), (p:Product {id: $productId})
SET p.ratingLock = true
WITH u, p
OPTIONAL MATCH (u)-[old:RATED]->(p)
WITH u, p, old.rating AS previous, coalesce(p.ratingCount, 0) AS n, coalesce(p.avgRating, 0.0) AS mean
WITH u, p, previous,
     CASE WHEN previous IS NULL OR n < 1 THEN n + 1 ELSE n END AS count,
     CASE WHEN previous IS NULL OR n < 1 THEN mean * n + $rating ELSE mean * n - previous + $rating END AS sum
MERGE (u)-[r:RATED]->(p)
SET r.rating = $rating, r.at = datetime(), p.ratingCount = count, p.avgRating = toFloat(sum) / count
REMOVE p.ratingLock
RETURN r.rating AS rating, previous, p.avgRating AS avgRating, p.ratingCount AS ratingCount
