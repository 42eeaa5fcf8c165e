// Deletes the BOUGHT_WITH edges of every other artefact version (and hand-made ones without a version), once the
// new version's edges are written, so the shop never sees an empty "bought with" row while training publishes.
// Runs outside a managed transaction (CALL ... IN TRANSACTIONS keeps memory flat on big graphs).
// Parameters: version (string: the version that stays)
// Columns: none
// Writes: deletes BOUGHT_WITH edges of other versions.
// Example (a write; run by models.publish): graph.run_autocommit(queries.query("retire_bought_with"), version="20240101T000000Z")
MATCH (:Product)-[r:BOUGHT_WITH]->(:Product)
WHERE r.version IS NULL OR r.version <> $version
CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS
