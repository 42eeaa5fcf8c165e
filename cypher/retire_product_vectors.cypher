// Removes the vectors of Product nodes that the given version did not train (they belong to an older model's
// space, so scoring them against the new one would be noise).
// Runs outside a managed transaction.
// Parameters: version (string: the version that stays)
// Columns: none
// Writes: removes Product vectors of other versions.
// Example (a write; run by models.publish): graph.run_autocommit(queries.query("retire_product_vectors"), version="20240101T000000Z")
MATCH (n:Product)
WHERE (n.embedding IS NOT NULL OR n.mf IS NOT NULL) AND coalesce(n.vectorsVersion, '') <> $version
CALL (n) { REMOVE n.embedding, n.mf, n.vectorsVersion } IN TRANSACTIONS OF 10000 ROWS
