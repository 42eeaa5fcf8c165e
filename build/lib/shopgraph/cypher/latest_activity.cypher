// The time of the shop's latest activity (an order, rating, like, cart or view): "now" for features measured
// in days (recency), so that a historical dataset is read as of its own last day, as training reads it.
// Parameters: none
// Columns: latest (DateTime or null when the shop has no activity)
// Example: shopgraph cypher latest_activity
CALL () {
  MATCH (o:Order)
  WHERE o.at IS NOT NULL
  RETURN o.at AS at
  ORDER BY o.at DESC
  LIMIT 1
  UNION ALL
  MATCH (:User)-[r:RATED|LIKED|ADDED_TO_CART|VIEWED]->(:Product)
  RETURN max(r.at) AS at
}
RETURN max(at) AS latest
