// The merchandiser rules in force at $now (switched on, inside their date range), each resolved to the products
// it covers: a product rule its product, a category rule every product in the category or below it, a brand rule
// every product MADE_BY the brand. A pin also names the products it puts on top when the list lacks them: its
// product, or the $pinLimit best-selling products of its category or brand (orders, then likes).
// Read by models.merch_rules (cached for a few seconds) to apply the rules to every recommendation list.
// Parameters: now (datetime), pinLimit (int)
// Columns: ruleId, kind ('pin' | 'boost' | 'bury' | 'exclude'), weight (float), productIds (list of ids),
//          pinned (list of ids, best-selling first; empty unless kind is 'pin')
// Example: shopgraph cypher active_rules -p now='"2011-12-01T00:00:00Z"' -p pinLimit=3
MATCH (r:Rule {active: true})-[:TARGETS]->(t)
WHERE (r.startsAt IS NULL OR r.startsAt <= datetime($now)) AND (r.endsAt IS NULL OR r.endsAt > datetime($now))
CALL (t) {
  WITH t WHERE t:Product
  RETURN t AS p
  UNION
  WITH t WHERE t:Category
  MATCH (t)-[:PARENT_OF*0..]->(:Category)<-[:IN_CATEGORY]-(p:Product)
  RETURN p
  UNION
  WITH t WHERE t:Brand
  MATCH (t)<-[:MADE_BY]-(p:Product)
  RETURN p
}
WITH r, collect(p) AS products
CALL (r, products) {
  UNWIND CASE r.kind WHEN 'pin' THEN products ELSE [] END AS p
  WITH p, COUNT { (p)<-[:CONTAINS]-() } AS orders, COUNT { (p)<-[:LIKED]-() } AS likes
  ORDER BY orders DESC, likes DESC, p.id
  LIMIT $pinLimit
  RETURN collect(p.id) AS pinned
}
RETURN r.id AS ruleId, r.kind AS kind, toFloat(r.weight) AS weight, [p IN products | p.id] AS productIds, pinned
ORDER BY r.createdAt, r.id
