// Writes a model version's PREDICTS edges (models/item_regression.py): (a)-[:PREDICTS {score}]->(b) when shoppers who
// took a are predicted to take b, one edge per row, stamped with the model and the version. Like BOUGHT_WITH, they are
// written beside the live version's edges, invisible until the version is switched live, and follow the version's
// boughtWithVersion (both are learnt from interactions); retire_predicts then deletes the replaced version's.
// Writing a row again updates its edge.
// Parameters: rows (list of {from, to, score}: product ids and the weight), model (string, "item_regression"),
//             version (string: the artefact version, "YYYYmmddTHHMMSSZ")
// Columns: written (int)
// Writes: PREDICTS edges.
// Example (a write; run by models.publish under the publish lock):
//   lock.write_batches("publish_predicts", rows, model="item_regression", version="20240101T000000Z")
UNWIND $rows AS row
MATCH (a:Product {id: row.from})
MATCH (b:Product {id: row.to})
MERGE (a)-[r:PREDICTS {version: $version}]->(b)
SET r.score = row.score, r.model = $model
RETURN count(r) AS written
