// Every product's leaf category (what diversity caps) and top (root) category name (what category affinity
// counts), read once and kept in memory by the recommendation service.
// Parameters: none
// Columns: productId, categoryId (leaf id or null), topCategory (root name or null)
// Example: shopgraph cypher product_categories --json
MATCH (p:Product)
OPTIONAL MATCH (p)-[:IN_CATEGORY]->(leaf:Category)
WITH p, head(collect(leaf)) AS leaf
RETURN p.id AS productId, leaf.id AS categoryId,
       [(leaf)<-[:PARENT_OF*0..6]-(root:Category) WHERE NOT EXISTS { (:Category)-[:PARENT_OF]->(root) } | root.name][0]
         AS topCategory
