// Deletes the SIMILAR_TO edges that the live model version does not serve (models/publish.py): those of other
// versions -- the version it replaced, or what a publish that failed half-way left -- and, when the live version
// trained SIMILAR_TO edges of its own, the unversioned ones (hand-made, or linked to new products before the first
// training). Before a switch, `keepUnversioned` keeps those: they are still served until then.
// A batch per transaction; run it until it retires none.
// Parameters: keepUnversioned (boolean), limit (int: edges per batch)
// Columns: retired (int)
// Writes: deletes SIMILAR_TO edges.
// Example (a write; run by models.publish under the publish lock)
WITH head(COLLECT { MATCH (v:ModelVersion) WHERE v.publishedAt IS NOT NULL
                    RETURN v ORDER BY v.publishedAt DESC LIMIT 1 }) AS live
WITH coalesce(live.similarToVersion, live.version, '') AS served, live.similarToVersion = live.version AS trainedByLive
MATCH (:Product)-[r:SIMILAR_TO]->(:Product)
WHERE CASE WHEN r.version IS NULL THEN trainedByLive AND NOT $keepUnversioned ELSE r.version <> served END
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS retired
