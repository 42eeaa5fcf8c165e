// Completes the basket: products bought in the same baskets as the shopper's products, from categories that their
// latest order and their cart do not hold yet -- the cups and saucers that go with a new teapot rather than a
// fourth teapot. Per seed, the latest 20 baskets of at most 100 lines holding it (among the first 200 that Neo4j
// returns, newest written first); a product scores, summed over seeds, the seed's weight x the share of those
// baskets holding it, damped by the fourth root of how many orders hold it (a best-seller is in every basket; a
// stronger damping hands the list to curiosities). Products the shopper already bought are left out. As a
// candidate source it reads the graph as of $before: orders, carts and purchases at or after it are ignored.
// Parameters: userId (string), k (int: rows), seeds (list of {id, weight}: the shopper's products, strongest first),
//             before (datetime or null: read the graph as of this moment; null reads all of it)
// Columns: productId, score (summed basket share), because ({kind: 'bought_with', product: the seed it was bought
//          with most, category: id of the category it adds})
// Candidate source: yes
// Example: shopgraph cypher completes_the_basket -p userId='"12347"' -p k=10
OPTIONAL MATCH (u:User {id: $userId})
CALL (u) {
  // The categories the basket already holds: the shopper's latest order and their cart.
  OPTIONAL MATCH (u)-[:PLACED]->(o:Order)
  WHERE $before IS NULL OR o.at < $before
  WITH o LIMIT 100
  WITH o ORDER BY o.at DESC LIMIT 1
  OPTIONAL MATCH (o)-[:CONTAINS]->(:Product)-[:IN_CATEGORY]->(c:Category)
  RETURN collect(DISTINCT c) AS ordered
}
CALL (u) {
  OPTIONAL MATCH (u)-[cart:ADDED_TO_CART]->(:Product)-[:IN_CATEGORY]->(c:Category)
  WHERE $before IS NULL OR cart.at < $before
  RETURN collect(DISTINCT c) AS carted
}
WITH u, ordered + carted AS held
UNWIND $seeds[..15] AS seed
MATCH (s:Product {id: seed.id})
CALL (s, seed, held) {
  MATCH (s)<-[:CONTAINS]-(o:Order)
  WHERE $before IS NULL OR o.at < $before
  WITH o LIMIT 200
  WITH o ORDER BY o.at DESC LIMIT 20
  WITH o WHERE COUNT { (o)-[:CONTAINS]->() } <= 100
  WITH collect(o) AS baskets
  UNWIND baskets AS o
  MATCH (o)-[:CONTAINS]->(p:Product)-[:IN_CATEGORY]->(c:Category)
  WHERE p <> s AND NOT c IN held
  WITH p, c, count(*) AS shared, size(baskets) AS read
  RETURN p, c, seed.weight * shared / toFloat(read) AS strength
}
WITH u, p, c, s, strength
ORDER BY strength DESC
WITH u, p, c, sum(strength) AS share, collect(s.id)[0] AS boughtWith
// Checked once per candidate, not per basket line: a wholesaler has bought thousands of products.
// PURCHASED keeps the latest purchase's time: a product bought again after $before is not left out then.
WHERE u IS NULL OR NOT EXISTS { (u)-[bought:PURCHASED]->(p) WHERE $before IS NULL OR bought.at < $before }
// Damped once per candidate: serving reads how many orders hold it from the node's degree; training counts only
// the orders before $before (the validation period's orders are what it is trained to predict).
WITH p, c, boughtWith, share / (CASE WHEN $before IS NULL THEN COUNT { (p)<-[:CONTAINS]-() }
                                     ELSE COUNT { (p)<-[:CONTAINS]-(sold:Order) WHERE sold.at < $before } END) ^ 0.25
                       AS score
RETURN p.id AS productId, score, {kind: 'bought_with', product: boughtWith, category: c.id} AS because
ORDER BY score DESC, productId
LIMIT $k
