// Erases a shopper (DELETE /api/v1/shoppers/{id}, e.g. for an erasure request): the User node and every
// relationship of it go -- account, name, email, password, vectors, stored list, views, likes, dislikes, cart,
// ratings (taken off the products' averages) and purchase roll-ups. Their orders stay, with every line, but no
// longer name anyone; served lists and clicks that recorded their id are anonymised. Only shoppers are erased
// this way: a merchandiser account is left alone and reported in `role`.
// Parameters: userId (string)
// Columns: erased (int: 1 when a shopper was erased, 0 otherwise), role (string or null: the account's role)
// Writes: deletes the User node and its relationships; Product.avgRating/ratingCount; RecommendationList.userId
//         and CLICKED.userId set to null.
// Example: graph.write("erase_shopper", userId="17850")
OPTIONAL MATCH (u:User {id: $userId})
WITH u, coalesce(u.role, 'shopper') AS role, u IS NOT NULL AS found
CALL (u, role, found) {
  WITH u, found, role WHERE found AND role = 'shopper'
  MATCH (u)-[rated:RATED]->(p:Product)
  SET p.ratingLock = true
  WITH p, rated.rating AS rating, coalesce(p.ratingCount, 0) AS n, coalesce(p.avgRating, 0.0) AS mean
  SET p.ratingCount = CASE WHEN n <= 1 THEN 0 ELSE n - 1 END,
      p.avgRating = CASE WHEN n <= 1 THEN null ELSE (mean * n - rating) / (n - 1) END
  REMOVE p.ratingLock
}
CALL (u, role, found) {
  WITH u, found, role WHERE found AND role = 'shopper'
  MATCH (l:RecommendationList) WHERE l.userId = u.id
  SET l.userId = null
  WITH l
  MATCH (l)-[click:CLICKED]->()
  SET click.userId = null
}
CALL (u, role, found) {
  WITH u, found, role WHERE found AND role = 'shopper'
  DETACH DELETE u
}
RETURN CASE WHEN found AND role = 'shopper' THEN 1 ELSE 0 END AS erased,
       CASE WHEN found THEN role END AS role
