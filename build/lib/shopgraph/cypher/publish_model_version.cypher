// Makes a model version live, once every edge and vector of it is written (models/publish.py): the one small write
// that switches serving over, since every serving read follows the newest published version. The version it
// replaces is marked retired; its edges and vectors are deleted after this, while nothing reads them any more.
// Merchandisers see every version in the Browser with `MATCH (v:ModelVersion) RETURN v ORDER BY v.startedAt`.
// Parameters: version (string), similarTo, boughtWith (int: edges written), productVectors, userVectors (int: nodes
//             given vectors)
// Columns: version, publishedAt
// Writes: the ModelVersion's publishedAt and counts; the replaced version's retiredAt.
// Example (a write; run by models.publish under the publish lock, after begin_model_version and the writes)
MATCH (v:ModelVersion {version: $version})
WHERE v.publishedAt IS NULL
WITH v, head(COLLECT { MATCH (old:ModelVersion) WHERE old.publishedAt IS NOT NULL
                       RETURN old ORDER BY old.publishedAt DESC LIMIT 1 }) AS replaced
FOREACH (old IN CASE WHEN replaced IS NULL THEN [] ELSE [replaced] END | SET old.retiredAt = datetime())
// Later than the version it replaces even if the server's clock stepped back, so the newest is the live one.
SET v.publishedAt = CASE WHEN replaced.publishedAt >= datetime() THEN replaced.publishedAt + duration('PT0.001S')
                         ELSE datetime() END,
    v.similarTo = $similarTo, v.boughtWith = $boughtWith, v.productVectors = $productVectors,
    v.userVectors = $userVectors
RETURN v.version AS version, v.publishedAt AS publishedAt
