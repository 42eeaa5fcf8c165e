// Records clicks on recommended products: (:RecommendationList)-[:CLICKED {at, count}]->(:Product), one edge per
// list and product, its count going up with each repeat. The list is MERGEd by id so that a click may arrive
// before its list is written; reports count only clicks on products the list SHOWED. Unknown products are skipped.
// Parameters: rows (list of {listId, productId, at (datetime), userId (or null)})
// Columns: recorded (int)
// Writes: CLICKED edges (and a bare RecommendationList when its list is not written yet).
//         Example: graph.write("record_recommendation_clicks", rows=[{"listId": "9f1c...", "productId": "22423",
//         "at": now, "userId": "17850"}])
UNWIND $rows AS row
MATCH (p:Product {id: row.productId})
MERGE (l:RecommendationList {id: row.listId})
MERGE (l)-[c:CLICKED]->(p)
ON CREATE SET c.at = row.at, c.count = 1, c.userId = row.userId
ON MATCH SET c.count = c.count + 1
RETURN count(c) AS recorded
