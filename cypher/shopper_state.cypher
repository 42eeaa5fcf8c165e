// What serving needs to know about a shopper before anything else, in one cheap read: that they exist, a
// fingerprint of what they did that shapes their recommendations, the list stored for them ahead of time
// (`shopgraph recommend --all-users --store`), what they did since that list was stored, which of the given
// products they must not be shown and -- when what they did since can be folded into the stored list -- all a
// fold needs, so that the list after an event costs this one read too (models/fresh_feedback.py).
// `activity` changes whenever a purchase, rating, like, dislike or cart line is recorded, changed or removed;
// views count only for a shopper who has done nothing else (only such a shopper's list starts from views).
// `fresh` is used only when the stored list was made for another activity: the interactions written after it was
// stored, newest first, at most `freshLimit` of them. Serving folds them into the stored list rather than build
// the list again; a change that wrote nothing new (a like or cart line taken back) leaves `fresh` empty, and the
// list is built live. They are gathered in the walk of the shopper's relationships that computes `activity`, which
// reads every relationship's time anyway: a walk of their own cost a fifth of a held list's read.
// `leaveOut` applies the rule of user_history's exclusions to the products in `watch` (what merchandisers'
// pins may add): disliked or rated 1-2, bought in one order only, rated (unless bought repeatedly), in the cart.
// The fold part runs only for 1..foldLimit fresh interactions (more are built live), so a shopper whose stored
// list holds pays nothing for it:
// - `candidates`: the walks of bought_with, bought_in_same_baskets and similar_products (same semantics, scores
//   and reasons, as those files) from the fresh products. Seeds are weighted as in serving_blend.choose_seeds
//   without recency (every fresh interaction is minutes old): a rating r counts (r - 3) / 2 from 4 up, any other
//   type its `seedWeights` entry; a product's strongest interaction counts; strongest first, then by id.
// - `excluded`: the rule above applied only to the products a fold can show or must drop -- the stored list, the
//   fresh products and the candidates -- in one walk of the shopper's relationships, kept to those products. A
//   check per product (an EXISTS from the shopper to each) walked those relationships once per product: seventy
//   times the work for a fold of one like.
// - `backfill`: when the fold drops stored products, a folded list is topped up with trending products
//   (CandidateSources.backfill). Only then: the first foldLimit of `backfill` (trending ids, best first) outside
//   the stored list and the candidates that the rule lets through -- the fold drops one stored product per fresh
//   product at most, so that many suffice -- checked lazily. A fold must not top up from the others.
// Parameters: userId (string), watch (list of product ids), freshLimit (int), foldLimit (int: 0 reads no fold),
//             seedWeights (map: interaction type -> seed weight), liveSeedLimit (int: strongest seeds followed
//             through the latest baskets), perSeed (int), limit (int: rows per walk), basketsPerSeed (int),
//             maxBasket (int), backfill (list of product ids)
// Columns: userId, activity (string), storedIds (list of product ids or null), storedScores (list of floats),
//          storedBecause (list of JSON strings: each item's evidence), storedFor (the activity the stored list
//          was made for), storedVersion (the model version it was made with), storedAt (epoch seconds),
//          fresh (list of [type, productId, at (epoch seconds), count, rating], newest first),
//          excluded (list of product ids), leaveOut (list of product ids),
//          candidates (list of [source, productId, score, reason]), backfill (list of product ids)
// No row when there is no such shopper.
// Example: shopgraph cypher shopper_state -p userId='"12347"' -p watch='["22423"]' -p freshLimit=11 -p foldLimit=10 -p 'seedWeights={"PURCHASED": 1.0, "LIKED": 0.9, "ADDED_TO_CART": 0.7, "VIEWED": 0.25}' -p liveSeedLimit=5 -p perSeed=10 -p limit=50 -p basketsPerSeed=10 -p maxBasket=100 -p 'backfill=["85123A"]'
MATCH (u:User {id: $userId})
WITH u, u.recommendedAt AS storedAt
CALL (u, storedAt) {
  OPTIONAL MATCH (u)-[r:PURCHASED|RATED|LIKED|DISLIKED|ADDED_TO_CART]->(p:Product)
  WITH r, p, r.at AS at
  RETURN count(r) AS acts, max(at) AS lastAct, collect(CASE WHEN at > storedAt THEN [r, p] END) AS acted
}
CALL (u, acts, storedAt) {
  OPTIONAL MATCH (u)-[v:VIEWED]->(p:Product)
  WHERE acts = 0
  WITH v, p, v.at AS at
  RETURN count(v) AS views, max(at) AS lastView, collect(CASE WHEN at > storedAt THEN [v, p] END) AS viewed
}
WITH u, acted + viewed AS since,
     toString(acts) + '|' + coalesce(toString(lastAct), '') + '|' + toString(views) + '|' +
       coalesce(toString(lastView), '') AS activity
CALL (u, since, activity) {
  // Only for a shopper whose stored list no longer holds.
  WITH since WHERE u.recommendedFor <> activity
  UNWIND since AS s
  WITH s[0] AS r, s[1] AS p
  ORDER BY r.at DESC
  LIMIT $freshLimit
  RETURN collect([type(r), p.id, r.at.epochSeconds, r.count, r.rating]) AS fresh
}
// Something is fresh only for a shopper with a stored list (made for another activity).
WITH u, activity, fresh, 0 < size(fresh) <= $foldLimit AS folds
CALL (fresh, folds) {
  WITH fresh WHERE folds
  UNWIND fresh AS f
  WITH f[1] AS id, CASE WHEN f[0] = 'RATED' THEN CASE WHEN f[4] >= 4 THEN (f[4] - 3) / 2.0 ELSE 0.0 END
                        ELSE coalesce($seedWeights[f[0]], 0.0) END AS strength
  WHERE strength > 0
  WITH id, max(strength) AS weight
  ORDER BY weight DESC, id
  RETURN collect({id: id, weight: round(weight, 6)}) AS seeds
}
CALL (seeds) {
  // A dislike or a low rating seeds nothing: no walk, the fold only takes products out.
  WITH seeds WHERE size(seeds) > 0
  // The live model version, read once for both trained walks (published_model.cypher).
  WITH seeds, head(COLLECT { MATCH (v:ModelVersion) WHERE v.publishedAt IS NOT NULL
                             RETURN v ORDER BY v.publishedAt DESC LIMIT 1 }) AS model
  CALL (seeds, model) {
    // bought_with.cypher
    WITH seeds, coalesce(model.boughtWithVersion, model.version) AS live
    UNWIND seeds AS seed
    MATCH (s:Product {id: seed.id})
    WITH s, seed, live, CASE WHEN COUNT { (s)<-[:RATED]-() } > COUNT { (s)<-[:PURCHASED]-() } THEN 'rated_with'
                             ELSE 'bought_with' END AS evidence
    CALL (s, seed, live) {
      MATCH (s)-[w:BOUGHT_WITH]->(p:Product)
      WHERE w.version IS NULL OR w.version = live
      RETURN p, seed.weight * w.score AS score
      ORDER BY score DESC
      LIMIT $perSeed
    }
    RETURN 'bought_with' AS source, p.id AS productId, score, {kind: evidence, product: s.id} AS reason
    ORDER BY score DESC
    LIMIT $limit
    UNION ALL
    // bought_in_same_baskets.cypher, from the strongest seeds (CandidateSources.fresh's liveSeeds)
    UNWIND seeds[..$liveSeedLimit] AS seed
    MATCH (s:Product {id: seed.id})
    CALL (s, seed) {
      MATCH (s)<-[:CONTAINS]-(o:Order)
      WITH o LIMIT 10 * $basketsPerSeed
      WITH o ORDER BY o.at DESC LIMIT $basketsPerSeed
      WITH o WHERE COUNT { (o)-[:CONTAINS]->() } <= $maxBasket
      WITH collect(o) AS baskets
      UNWIND baskets AS o
      MATCH (o)-[:CONTAINS]->(p:Product)
      WHERE p <> s
      WITH p, count(*) AS shared, size(baskets) AS read
      ORDER BY shared DESC LIMIT 3 * $perSeed
      WITH p, seed.weight * shared / sqrt(toFloat(read) * COUNT { (p)<-[:CONTAINS]-() }) AS score
      RETURN p, score
      ORDER BY score DESC
      LIMIT $perSeed
    }
    RETURN 'bought_in_same_baskets' AS source, p.id AS productId, score, {kind: 'bought_with', product: s.id} AS reason
    ORDER BY score DESC
    LIMIT $limit
    UNION ALL
    // similar_products.cypher
    WITH seeds, coalesce(model.similarToVersion, model.version) AS live
    UNWIND seeds AS seed
    MATCH (s:Product {id: seed.id})
    CALL (s, seed, live) {
      MATCH (s)-[w:SIMILAR_TO]->(p:Product)
      WHERE w.version IS NULL OR w.version = live
      RETURN p, seed.weight * w.score AS score
      ORDER BY score DESC
      LIMIT $perSeed
    }
    RETURN 'similar_products' AS source, p.id AS productId, score, {kind: 'similar_to', product: s.id} AS reason
    ORDER BY score DESC
    LIMIT $limit
  }
  RETURN collect([source, productId, score, reason]) AS candidates
}
CALL (u, fresh, folds, candidates) {
  WITH u, fresh, candidates WHERE folds
  WITH u, coalesce(u.recommendedIds, []) + [f IN fresh | f[1]] + [c IN candidates | c[1]] AS shown
  MATCH (u)-[r:PURCHASED|RATED|DISLIKED|ADDED_TO_CART]->(p:Product)
  WHERE p.id IN shown
  WITH p, collect(r) AS between
  // The rule, over the relationships between the shopper and p: a dislike or a cart line; a purchase in one order
  // only; a rating, unless it is above 2 and the product is bought repeatedly.
  WITH p, between, any(b IN between WHERE type(b) = 'PURCHASED' AND b.count >= 2) AS repeated
  WHERE any(r IN between WHERE NOT (type(r) = 'PURCHASED' AND coalesce(r.count, 1) >= 2)
                             AND NOT (type(r) = 'RATED' AND r.rating > 2 AND repeated))
  RETURN collect(p.id) AS excluded
}
CALL (u, folds, candidates, excluded) {
  WITH u, candidates, excluded WHERE folds
  WITH u, candidates WHERE any(id IN u.recommendedIds WHERE id IN excluded)
  WITH u, [c IN candidates | c[1]] AS found
  UNWIND [id IN $backfill WHERE NOT id IN u.recommendedIds AND NOT id IN found] AS id
  MATCH (p:Product {id: id})
  WHERE NOT EXISTS { (u)-[r:PURCHASED|RATED|DISLIKED|ADDED_TO_CART]->(p)
                     WHERE NOT (type(r) = 'PURCHASED' AND coalesce(r.count, 1) >= 2)
                       AND NOT (type(r) = 'RATED' AND r.rating > 2
                                AND EXISTS { (u)-[b:PURCHASED]->(p) WHERE b.count >= 2 }) }
  // Checked lazily, best first: no more of them than the fold can need.
  WITH id LIMIT $foldLimit
  RETURN collect(id) AS backfill
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
       ] AS leaveOut,
       candidates, backfill
