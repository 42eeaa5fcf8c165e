// Writes a trained model's BOUGHT_WITH edges (co-purchase neighbours): one edge per row, created or updated, stamped with the
// model and the artefact version so that retire_bought_with can drop the previous version's edges afterwards.
// Parameters: rows (list of {from, to, score}: product ids and the neighbour score), model (string, e.g. "cooc"),
//             version (string: the artefact version, "YYYYmmddTHHMMSSZ")
// Columns: written (int)
// Writes: BOUGHT_WITH edges.
// Example (a write; run by models.publish, not by `shopgraph cypher`):
//   graph.write_batches("publish_bought_with", rows, model="cooc", version="20240101T000000Z")
UNWIND $rows AS row
MATCH (a:Product {id: row.from})
MATCH (b:Product {id: row.to})
MERGE (a)-[r:BOUGHT_WITH]->(b)
SET r.score = row.score, r.model = $model, r.version = $version
RETURN count(r) AS written
