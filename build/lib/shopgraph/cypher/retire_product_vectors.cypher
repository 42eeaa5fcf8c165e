// Clears the vector slot of Product nodes that the live model version does not serve from (models/publish.py):
// the vectors of the version it replaced, or what a publish that failed half-way wrote. With no live version,
// slot 1 is served (vectors written by hand) and slot 2 cleared.
// A batch per transaction; run it until it retires none.
// Parameters: limit (int: nodes per batch)
// Columns: retired (int)
// Writes: removes Product vectors (embedding, mf, vectorsVersion or embedding2, mf2, vectorsVersion2).
// Example (a write; run by models.publish under the publish lock)
WITH head(COLLECT { MATCH (v:ModelVersion) WHERE v.publishedAt IS NOT NULL
                    RETURN v ORDER BY v.publishedAt DESC LIMIT 1 }) AS live
WITH CASE coalesce(live.vectorSlot, 1) WHEN 1 THEN ['embedding2', 'mf2', 'vectorsVersion2']
                                       ELSE ['embedding', 'mf', 'vectorsVersion'] END AS unused
MATCH (n:Product)
WHERE n[unused[0]] IS NOT NULL OR n[unused[1]] IS NOT NULL OR n[unused[2]] IS NOT NULL
WITH n, unused LIMIT $limit
REMOVE n[unused[0]], n[unused[1]], n[unused[2]]
RETURN count(*) AS retired
