// What serving needs to know about a shopper before anything else, in one cheap read: that they exist, a
// fingerprint of what they did that shapes their recommendations, the list stored for them ahead of time
// (`shopgraph recommend --all-users --store`), and which of the given products they must not be shown.
// `activity` changes whenever a purchase, rating, like, dislike or cart line is recorded, changed or removed;
// views count only for a shopper who has done nothing else (only such a shopper's list starts from views).
// `leaveOut` applies the rule of user_history's exclusions to the products in `watch` (what merchandisers'
// pins may add): disliked or rated 1-2, bought in one order only, rated (unless bought repeatedly), in the cart.
// Parameters: userId (string), watch (list of product ids)
// Columns: userId, activity (string), storedIds (list of product ids or null), storedScores (list of floats),
//          storedBecause (list of JSON strings: each item's evidence), storedFor (the activity the stored list
//          was made for), storedVersion (the model version it was made with), storedAt (epoch seconds),
//          leaveOut (list of product ids)
// No row when there is no such shopper.
// Example: shopgraph cypher shopper_state -p userId='"12347"' -p watch='["22423"]'
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
RETURN u.id AS userId,
       toString(acts) + '|' + coalesce(toString(lastAct), '') + '|' + toString(views) + '|' +
         coalesce(toString(lastView), '') AS activity,
       u.recommendedIds AS storedIds, u.recommendedScores AS storedScores, u.recommendedBecause AS storedBecause,
       u.recommendedFor AS storedFor, u.recommendedVersion AS storedVersion,
       u.recommendedAt.epochSeconds AS storedAt,
       [productId IN $watch WHERE
          EXISTS { (u)-[:DISLIKED|ADDED_TO_CART]->(:Product {id: productId}) }
          OR EXISTS { (u)-[r:PURCHASED]->(:Product {id: productId}) WHERE coalesce(r.count, 1) < 2 }
          OR EXISTS { (u)-[r:RATED]->(p:Product {id: productId})
                      WHERE r.rating <= 2 OR NOT EXISTS { (u)-[b:PURCHASED]->(p) WHERE b.count >= 2 } }
       ] AS leaveOut
