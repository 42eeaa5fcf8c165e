// Popular: products with the most shoppers who bought, liked or rated them well (4-5), of all time; after them,
// products no shopper has chosen yet ranked by the Bayesian average of their aggregate ratings (avgRating over
// ratingCount reviews, as a catalogue such as the Walmart sample arrives with), so a shop without orders still
// has a popular list. Each average is pulled towards the catalogue's mean review as if it had 10 more reviews at
// that mean: a 5.0 from two reviews does not outrank a 4.8 from three hundred. Those score the average's share
// of five stars (below 1), under every product a shopper chose.
// Parameters: limit (int: rows)
// Columns: source ('popular'), productId, score (number of such shoppers; else the Bayesian average / 5),
//          reason ({kind: 'popular'}; {kind: 'top_rated'} when ranked by aggregate ratings)
// Example: shopgraph cypher popular -p limit=10
CALL () {
  MATCH (rated:Product)
  WHERE rated.ratingCount > 0 AND rated.avgRating IS NOT NULL
  WITH sum(rated.ratingCount) AS reviews, sum(rated.avgRating * rated.ratingCount) AS stars
  RETURN CASE WHEN reviews > 0 THEN stars / reviews END AS meanReview
}
MATCH (p:Product)
WITH p, meanReview,
     COUNT { MATCH (p)<-[r:PURCHASED|LIKED|RATED]-(u:User) WHERE r.rating IS NULL OR r.rating >= 4
             RETURN DISTINCT u } AS shoppers
WITH p, shoppers,
     CASE WHEN shoppers > 0 THEN toFloat(shoppers)
          WHEN meanReview IS NOT NULL AND p.ratingCount > 0 AND p.avgRating IS NOT NULL
            THEN (10 * meanReview + p.ratingCount * p.avgRating) / (10 + p.ratingCount) / 5.0
     END AS score
WHERE score > 0
RETURN 'popular' AS source, p.id AS productId, score,
       CASE WHEN shoppers > 0 THEN {kind: 'popular'} ELSE {kind: 'top_rated'} END AS reason
ORDER BY score DESC, productId
LIMIT $limit
