// Records clicks on recommended products. A click on a signed-in shopper's list is
// (:RecommendationList)-[:CLICKED {at, count}]->(:Product), one edge per list and product, its count going up with
// each repeat; a click on a visitors' list adds one to the clicks of its (:ListTally). A list id that names
// neither creates nothing (anyone can put any ?rec= in a link) and comes back in `unmatched`, so the writer can
// try again once its list is written (another worker may have served it a moment ago). Unknown products are skipped.
// Parameters: rows (list of {listId, productId, at (datetime), userId (or null)})
// Columns: recorded (int), unmatched (list of list ids found neither as a list nor as a tally)
// Writes: CLICKED edges and ListTally click counts. Example: graph.write("record_recommendation_clicks",
//         rows=[{"listId": "9f1c...", "productId": "22423", "at": now, "userId": "17850"}])
UNWIND $rows AS row
MATCH (p:Product {id: row.productId})
OPTIONAL MATCH (l:RecommendationList {id: row.listId})
OPTIONAL MATCH (t:ListTally {id: row.listId})
CALL (l, p, row) {
  WITH l, p, row WHERE l IS NOT NULL
  MERGE (l)-[c:CLICKED]->(p)
  ON CREATE SET c.at = row.at, c.count = 1, c.userId = row.userId
  ON MATCH SET c.count = c.count + 1
}
CALL (t) {
  WITH t WHERE t IS NOT NULL
  SET t.clicks = t.clicks + 1
}
RETURN count(l) + count(t) AS recorded,
       [id IN collect(CASE WHEN l IS NULL AND t IS NULL THEN row.listId END) WHERE id IS NOT NULL] AS unmatched
