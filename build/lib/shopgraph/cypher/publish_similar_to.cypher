// Writes a model version's SIMILAR_TO edges (content (TF-IDF) neighbours): one edge per row, stamped with the model and the
// version. They are written beside the live version's edges, not over them: serving reads only the live version's
// (models/publish.py), so these are invisible until the version is switched live, and retire_similar_to then
// deletes the replaced version's. Writing a row again updates its edge.
// Parameters: rows (list of {from, to, score}: product ids and the neighbour score), model (string, e.g. "tfidf"),
//             version (string: the artefact version, "YYYYmmddTHHMMSSZ")
// Columns: written (int)
// Writes: SIMILAR_TO edges.
// Example (a write; run by models.publish under the publish lock):
//   lock.write_batches("publish_similar_to", rows, model="tfidf", version="20240101T000000Z")
UNWIND $rows AS row
MATCH (a:Product {id: row.from})
MATCH (b:Product {id: row.to})
MERGE (a)-[r:SIMILAR_TO {version: $version}]->(b)
SET r.score = row.score, r.model = $model
RETURN count(r) AS written
