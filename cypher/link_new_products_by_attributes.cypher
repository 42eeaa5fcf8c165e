// Gives newly loaded products SIMILAR_TO neighbours at once, without a trained text model: the catalogue products
// sharing the most with each new product (category 1, brand 0.8, each tag 0.5; score = shared / 2, at most 1),
// the most popular first among equals. Edges get model "shared-attributes" and the version whose SIMILAR_TO edges
// are served (published_model's similarToVersion; none before the first training), so serving reads them at once
// and the next training replaces them. Linking a product again replaces the attribute links it had with that
// version; a product with neighbours from the trained text model of that version keeps them and is not linked
// (an integrator's PUT of a known product changes its price, not its trained neighbours).
// Parameters: productIds (list of ids), perProduct (int: neighbours per product), version (string or null)
// Columns: productId, neighbours (int: edges written)
// Writes: SIMILAR_TO edges (model 'shared-attributes') from each new product.
// Example (a write; run by models.publish.publish_new_products when no content model is trained)
UNWIND $productIds AS id
MATCH (n:Product {id: id})
WHERE NOT EXISTS { (n)-[trained:SIMILAR_TO]->(:Product)
                   WHERE trained.version = $version AND trained.model <> 'shared-attributes' }
CALL (n) {
  MATCH (n)-[old:SIMILAR_TO]->(:Product)
  WHERE old.version IS NULL OR old.version = $version
  DELETE old
}
CALL (n) {
  CALL (n) {
    MATCH (n)-[:IN_CATEGORY]->(:Category)<-[:IN_CATEGORY]-(p:Product) WHERE p <> n RETURN p, 1.0 AS w
    UNION ALL
    MATCH (n)-[:MADE_BY]->(:Brand)<-[:MADE_BY]-(p:Product) WHERE p <> n RETURN p, 0.8 AS w
    UNION ALL
    MATCH (n)-[:TAGGED]->(:Tag)<-[:TAGGED]-(p:Product) WHERE p <> n RETURN p, 0.5 AS w
  }
  WITH p, sum(w) AS shared
  ORDER BY shared DESC, COUNT { (p)<-[:PURCHASED|LIKED|RATED]-() } DESC, p.id
  LIMIT $perProduct
  CREATE (n)-[r:SIMILAR_TO {score: CASE WHEN shared >= 2 THEN 1.0 ELSE shared / 2 END, model: 'shared-attributes',
                            version: $version}]->(p)
  RETURN count(r) AS neighbours
}
RETURN n.id AS productId, neighbours
