// Trending: products drawing interest right now. Each product in the latest orders counts 1, each of the latest
// likes, good ratings (4-5) and cart additions 0.7, 0.7 and 0.5, decayed by age: x 0.5 ^ (days / halfLifeDays),
// with age measured from the shop's latest such event (not the wall clock), so a historical dataset trends too.
// Parameters: recentOrders (int: latest orders read), recentEvents (int: latest likes/ratings/carts read),
//             halfLifeDays (float), limit (int: rows)
// Columns: source ('trending'), productId, score, reason ({kind: 'trending'})
// Example: shopgraph cypher trending -p recentOrders=2000 -p recentEvents=5000 -p halfLifeDays=14 -p limit=10
CALL () {
  MATCH (o:Order)
  WHERE o.at IS NOT NULL
  WITH o ORDER BY o.at DESC LIMIT $recentOrders
  MATCH (o)-[:CONTAINS]->(p:Product)
  RETURN p, o.at AS at, 1.0 AS weight
  UNION ALL
  MATCH (:User)-[r:LIKED|RATED|ADDED_TO_CART]->(p:Product)
  WHERE r.at IS NOT NULL AND coalesce(r.rating, 5) >= 4
  WITH r, p ORDER BY r.at DESC LIMIT $recentEvents
  RETURN p, r.at AS at, CASE type(r) WHEN 'ADDED_TO_CART' THEN 0.5 ELSE 0.7 END AS weight
}
WITH max(at) AS now, collect({p: p, at: at, weight: weight}) AS events
UNWIND events AS event
WITH event.p AS p,
     sum(event.weight * 0.5 ^ (duration.inSeconds(event.at, now).seconds / 86400.0 / $halfLifeDays)) AS score
RETURN 'trending' AS source, p.id AS productId, score, {kind: 'trending'} AS reason
ORDER BY score DESC, productId
LIMIT $limit
