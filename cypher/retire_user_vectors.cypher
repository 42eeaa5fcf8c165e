// Removes the vectors of User nodes that the given version did not train (they belong to an older model's
// space, so scoring them against the new one would be noise).
// Runs outside a managed transaction.
// Parameters: version (string: the version that stays)
// Columns: none
// Writes: removes User vectors of other versions.
// Example (a write; run by models.publish): graph.run_autocommit(queries.query("retire_user_vectors"), version="20240101T000000Z")
MATCH (n:User)
WHERE (n.embedding IS NOT NULL OR n.mf IS NOT NULL) AND coalesce(n.vectorsVersion, '') <> $version
CALL (n) { REMOVE n.embedding, n.mf, n.vectorsVersion } IN TRANSACTIONS OF 10000 ROWS
