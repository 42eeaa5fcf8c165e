// Deletes the PREDICTS edges that the live model version does not serve (models/publish.py): those of versions other
// than its boughtWithVersion -- the version it replaced, or what a publish that failed half-way left. PREDICTS edges
// are only ever trained (never hand-made), so unversioned ones are not expected; `keepUnversioned` leaves any alone
// before a switch, as for BOUGHT_WITH.
// A batch per transaction; run it until it retires none.
// Parameters: keepUnversioned (boolean), limit (int: edges per batch)
// Columns: retired (int)
// Writes: deletes PREDICTS edges.
// Example (a write; run by models.publish under the publish lock)
WITH head(COLLECT { MATCH (v:ModelVersion) WHERE v.publishedAt IS NOT NULL
                    RETURN v ORDER BY v.publishedAt DESC LIMIT 1 }) AS live
WITH coalesce(live.boughtWithVersion, live.version, '') AS served
MATCH (:Product)-[r:PREDICTS]->(:Product)
WHERE CASE WHEN r.version IS NULL THEN NOT $keepUnversioned ELSE r.version <> served END
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS retired
