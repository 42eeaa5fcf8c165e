// A shopper's history, what personal recommendations start from: their latest interactions with products
// (purchases, ratings, likes, dislikes, carts, views) newest first, and the products their lists must leave
// out: disliked or rated 1-2, bought in one order only, rated at all, in the cart. Plus their vectors, from the
// live model version's vector slot (published_model.cypher).
// Parameters: userId (string), historyLimit (int: how many latest interactions to return)
// Columns: userId, embedding (list of floats or null), mf (list of floats or null),
//          interactions (list of [type, productId, at (epoch seconds), count, rating], newest first),
//          disliked, boughtOnce, rated, inCart (lists of product ids),
//          repeatProducts (int: products bought in more than one order),
//          takenProducts (int: distinct products with any interaction but a dislike)
// No row when there is no such shopper.
// Example: shopgraph cypher user_history -p userId='"12347"' -p historyLimit=20
WITH head(COLLECT { MATCH (v:ModelVersion) WHERE v.publishedAt IS NOT NULL
                    RETURN v.vectorSlot ORDER BY v.publishedAt DESC LIMIT 1 }) AS slot
MATCH (u:User {id: $userId})
CALL (u) {
  MATCH (u)-[r:PURCHASED|RATED|LIKED|DISLIKED|ADDED_TO_CART|VIEWED]->(p)
  WITH r, p, type(r) AS type
  ORDER BY r.at DESC
  WITH collect({type: type, product: p, r: r}) AS history,
       count(DISTINCT CASE WHEN type <> 'DISLIKED' THEN p END) AS takenProducts
  RETURN [i IN history[..$historyLimit] | [i.type, i.product.id, i.r.at.epochSeconds, i.r.count, i.r.rating]]
           AS interactions,
         [i IN history WHERE i.type = 'DISLIKED' OR (i.type = 'RATED' AND i.r.rating <= 2) | i.product.id] AS disliked,
         [i IN history WHERE i.type = 'PURCHASED' AND coalesce(i.r.count, 1) < 2 | i.product.id] AS boughtOnce,
         [i IN history WHERE i.type = 'RATED' | i.product.id] AS rated,
         [i IN history WHERE i.type = 'ADDED_TO_CART' | i.product.id] AS inCart,
         size([i IN history WHERE i.type = 'PURCHASED' AND i.r.count >= 2]) AS repeatProducts, takenProducts
}
RETURN u.id AS userId, CASE slot WHEN 2 THEN u.embedding2 ELSE u.embedding END AS embedding,
       CASE slot WHEN 2 THEN u.mf2 ELSE u.mf END AS mf, interactions, disliked, boughtOnce, rated, inCart,
       repeatProducts, takenProducts
