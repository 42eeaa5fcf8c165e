// What serving needs to know about a shopper before anything else, in one cheap read: that they exist, a
// fingerprint of what they did that shapes their recommendations, the list stored for them ahead of time
// (`shopgraph recommend --all-users --store`), what they did since that list was stored, and which of the given
// products they must not be shown.
// `activity` changes whenever a purchase, rating, like, dislike or cart line is recorded, changed or removed;
// views count only for a shopper who has done nothing else (only such a shopper's list starts from views).
// `fresh` is read only when the stored list was made for another activity: the interactions written after it was
// stored, newest first, at most `freshLimit` of them. Serving folds them into the stored list rather than build
// the list again (models/fresh_feedback.py); a change that wrote nothing new (a like or cart line taken back)
// leaves `fresh` empty, and the list is built live.
// `leaveOut` applies the rule of user_history's exclusions to the products in `watch` (what merchandisers'
// pins may add): disliked or rated 1-2, bought in one order only, rated (unless bought repeatedly), in the cart.
// `excluded` is every product that rule leaves out, read only when `fresh` is not empty: the products the fresh
// interactions lead to must be checked against it.
// Parameters: userId (string), watch (list of product ids), freshLimit (int)
// Columns: userId, activity (string), storedIds (list of product ids or null), storedScores (list of floats),
//          storedBecause (list of JSON strings: each item's evidence), storedFor (the activity the stored list
//          was made for), storedVersion (the model version it was made with), storedAt (epoch seconds),
//          fresh (list of [type, productId, at (epoch seconds), count, rating], newest first),
//          excluded (list of product ids), leaveOut (list of product ids)
// No row when there is no such shopper.
// Example: shopgraph cypher shopper_state -p userId='"12347"' -p watch='["22423"]' -p freshLimit=10
MATCH (u:User {id: $userId})
CALL (u) {
  OPTIONAL MATCH (u)-[r:PURCHASED|RATED|LIKED|DISLIKED|ADDED_TO_CART]->(:Product)
  RETURN count(r) AS acts, max(r.at) AS lastAct
}
CALL (u, acts) {
  OPTIONAL MATCH (u)-[v:VIEWED]->(:Product)
  WHERE acts = 0
  RETURN count(v) AS views, max(v.at) AS lastView
}
WITH u, acts, toString(acts) + '|' + coalesce(toString(lastAct), '') + '|' + toString(views) + '|' +
       coalesce(toString(lastView), '') AS activity
CALL (u, acts, activity) {
  // Filtered before the match, so a shopper whose stored list holds costs no walk of their history here.
  WITH u, acts WHERE u.recommendedFor <> activity
  MATCH (u)-[r:PURCHASED|RATED|LIKED|DISLIKED|ADDED_TO_CART|VIEWED]->(p:Product)
  WHERE r.at > u.recommendedAt AND (acts = 0 OR NOT r:VIEWED)
  WITH r, p
  ORDER BY r.at DESC
  LIMIT $freshLimit
  RETURN collect([type(r), p.id, r.at.epochSeconds, r.count, r.rating]) AS fresh
}
CALL (u, fresh) {
  WITH u WHERE size(fresh) > 0
  MATCH (u)-[r:PURCHASED|RATED|DISLIKED|ADDED_TO_CART]->(p:Product)
  WHERE (type(r) IN ['DISLIKED', 'ADDED_TO_CART'] OR (type(r) = 'PURCHASED' AND coalesce(r.count, 1) < 2)
         OR (type(r) = 'RATED' AND (r.rating <= 2 OR NOT EXISTS { (u)-[b:PURCHASED]->(p) WHERE b.count >= 2 })))
  RETURN collect(DISTINCT p.id) AS excluded
}
RETURN u.id AS userId, activity,
       u.recommendedIds AS storedIds, u.recommendedScores AS storedScores, u.recommendedBecause AS storedBecause,
       u.recommendedFor AS storedFor, u.recommendedVersion AS storedVersion,
       u.recommendedAt.epochSeconds AS storedAt, fresh, excluded,
       [productId IN $watch WHERE
          EXISTS { (u)-[:DISLIKED|ADDED_TO_CART]->(:Product {id: productId}) }
          OR EXISTS { (u)-[r:PURCHASED]->(:Product {id: productId}) WHERE coalesce(r.count, 1) < 2 }
          OR EXISTS { (u)-[r:RATED]->(p:Product {id: productId})
                      WHERE r.rating <= 2 OR NOT EXISTS { (u)-[b:PURCHASED]->(p) WHERE b.count >= 2 } }
       ] AS leaveOut
