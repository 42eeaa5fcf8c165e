// What shoppers came back for: products that other shoppers bought in their NEXT order after an order holding one
// of the shopper's products -- the refill, the matching set, the next size up. The built-in strategies read
// baskets (what goes together) and shoppers (who is alike); this reads the order in which baskets follow each
// other. Per seed (the ten strongest), the latest 50 orders holding it (among the first 200 that Neo4j returns,
// newest written first) and, for each, the same shopper's next order of at most 100 lines; a product scores,
// summed over seeds, the seed's weight x the share of those next orders holding it. What the earlier order
// already held and what the shopper already bought are left out. As a candidate source it reads the graph as of
// $before: orders and purchases at or after it are ignored.
// Parameters: userId (string), k (int: rows), seeds (list of {id, weight}: the shopper's products, strongest first),
//             before (datetime or null: read the graph as of this moment; null reads all of it)
// Columns: productId, score (summed share of next orders), because ({kind: 'also_bought', product: the seed whose
//          buyers came back for it most})
// Candidate source: yes
// Example: shopgraph cypher comes_back_for -p userId='"12347"' -p k=10
OPTIONAL MATCH (u:User {id: $userId})
UNWIND $seeds[..10] AS seed
MATCH (s:Product {id: seed.id})
CALL (s, seed, u) {
  MATCH (s)<-[:CONTAINS]-(o:Order)
  WHERE $before IS NULL OR o.at < $before
  WITH o LIMIT 200
  WITH o ORDER BY o.at DESC LIMIT 50
  MATCH (o)<-[:PLACED]-(other:User)
  WHERE u IS NULL OR other <> u
  CALL (o, other) {
    // The same shopper's next order: their orders are few (hundreds for the busiest wholesaler), read whole.
    MATCH (other)-[:PLACED]->(next:Order)
    WHERE next.at > o.at AND ($before IS NULL OR next.at < $before)
    RETURN next
    ORDER BY next.at
    LIMIT 1
  }
  WITH o, next WHERE COUNT { (next)-[:CONTAINS]->() } <= 100
  WITH collect([o, next]) AS returns
  UNWIND returns AS pair
  WITH pair[0] AS o, pair[1] AS next, size(returns) AS read
  // What they came back for, not what they bought again.
  WITH next, read, [(o)-[:CONTAINS]->(had) | had] AS had
  MATCH (next)-[:CONTAINS]->(p:Product)
  WHERE p <> s AND NOT p IN had
  WITH p, count(*) AS came, read
  RETURN p, seed.weight * came / toFloat(read) AS strength
}
WITH u, p, s, strength
ORDER BY strength DESC
WITH u, p, sum(strength) AS score, collect(s.id)[0] AS seedId
// Checked once per candidate, not per order line: a wholesaler has bought thousands of products.
// PURCHASED keeps the latest purchase's time: a product bought again after $before is not left out then.
WHERE u IS NULL OR NOT EXISTS { (u)-[bought:PURCHASED]->(p) WHERE $before IS NULL OR bought.at < $before }
RETURN p.id AS productId, score, {kind: 'also_bought', product: seedId} AS because
ORDER BY score DESC, productId
LIMIT $k
