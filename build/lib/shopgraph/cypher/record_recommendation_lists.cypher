// Records recommendation lists as they were served: (:RecommendationList {id, strategy, surface, at, userId,
// experimentId, variant})-[:SHOWED {position}]->(:Product), one row per list. MERGE on the list id, so a click
// recorded first (record_recommendation_clicks) and a rerun of the same batch both end in one list. A list
// without SHOWED edges yet (nearly every one: it was just served) gets them CREATEd outright, which costs
// Neo4j a third less than MERGEing each; a list written before keeps the edges it has.
// Parameters: rows (list of {id, strategy, surface ('home' | 'product' | 'api' ...), at (datetime), userId (or null),
//             experimentId (or null), variant ('A' | 'B' | null), productIds (list of ids, best first)})
// Columns: recorded (int: lists written)
// Writes: RecommendationList nodes and SHOWED edges. Example: graph.write("record_recommendation_lists",
//         rows=[{"id": "9f1c...", "strategy": "hybrid", "surface": "home", "at": now, "userId": "17850",
//                "experimentId": None, "variant": None, "productIds": ["22423", "85123A"]}])
UNWIND $rows AS row
MERGE (l:RecommendationList {id: row.id})
SET l.strategy = row.strategy, l.surface = row.surface, l.at = row.at, l.userId = row.userId,
    l.experimentId = row.experimentId, l.variant = row.variant, l.size = size(row.productIds)
WITH l, row, EXISTS { (l)-[:SHOWED]->() } AS written
CALL (l, row, written) {
  WITH l, row WHERE NOT written
  UNWIND range(0, size(row.productIds) - 1) AS position
  MATCH (p:Product {id: row.productIds[position]})
  CREATE (l)-[:SHOWED {position: position + 1}]->(p)
}
RETURN count(l) AS recorded
