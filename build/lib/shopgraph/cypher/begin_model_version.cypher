// Begins publishing a model version (models/publish.py): its ModelVersion node, not live yet (no publishedAt),
// naming whose edges and vectors it will serve -- its own where it trained them, the live version's where it
// trained none (a catalogue-only version has no BOUGHT_WITH or vectors) -- and which vector slot its own go to:
// the one the live version does not use. Versions whose publish never finished are forgotten.
// Parameters: version (string), models (list of model names), hasSimilarTo, hasBoughtWith, hasVectors (booleans:
//             which the version trained)
// Columns: version, vectorSlot (1 or 2)
// Writes: a ModelVersion node; deletes unfinished ones.
// Example (a write; run by models.publish under the publish lock)
CALL () {
  MATCH (unfinished:ModelVersion)
  WHERE unfinished.publishedAt IS NULL AND unfinished.version <> $version
  DELETE unfinished
}
WITH head(COLLECT { MATCH (v:ModelVersion) WHERE v.publishedAt IS NOT NULL
                    RETURN v ORDER BY v.publishedAt DESC LIMIT 1 }) AS live
WITH live, coalesce(live.vectorSlot, 1) AS liveSlot
MERGE (v:ModelVersion {version: $version})
SET v.startedAt = datetime(), v.models = $models,
    v.similarToVersion = CASE WHEN $hasSimilarTo THEN $version ELSE coalesce(live.similarToVersion, live.version) END,
    v.boughtWithVersion = CASE WHEN $hasBoughtWith THEN $version ELSE coalesce(live.boughtWithVersion, live.version) END,
    v.vectorsVersion = CASE WHEN $hasVectors THEN $version ELSE coalesce(live.vectorsVersion, live.version) END,
    v.vectorSlot = CASE WHEN $hasVectors THEN 3 - liveSlot ELSE liveSlot END
REMOVE v.publishedAt, v.retiredAt
RETURN v.version AS version, v.vectorSlot AS vectorSlot
