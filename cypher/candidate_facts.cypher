// What the multi ranker's product features are computed from, for some candidate products: the price, the
// interest shoppers showed (purchases once per order, each rating and like 1, each cart 0.5, each viewer 0.2),
// and when that interest was last shown.
// Parameters: productIds (list of ids)
// Columns: productId, price (float or null), interest (float), lastActivity (DateTime or null)
// Example: shopgraph cypher candidate_facts -p 'productIds=["85123A", "22423"]'
UNWIND $productIds AS id
MATCH (p:Product {id: id})
CALL (p) {
  OPTIONAL MATCH (p)<-[r:PURCHASED|RATED|LIKED|ADDED_TO_CART|VIEWED]-(:User)
  RETURN sum(CASE type(r) WHEN 'PURCHASED' THEN coalesce(r.count, 1) WHEN 'ADDED_TO_CART' THEN 0.5
                          WHEN 'VIEWED' THEN 0.2 WHEN 'RATED' THEN 1 WHEN 'LIKED' THEN 1 ELSE 0 END) AS interest,
         max(r.at) AS lastActivity
}
RETURN p.id AS productId, p.price AS price, interest, lastActivity
