// Records that an artefact version is now in the graph (written last, so serving reloads its vectors only once
// everything is there). Merchandisers see it in the Browser with `MATCH (v:ModelVersion) RETURN v`.
// Parameters: version (string), models (list of model names), similarTo, boughtWith (int: edges written),
//             productVectors, userVectors (int: nodes given vectors)
// Columns: version, publishedAt
// Writes: one ModelVersion node.
// Example (a write; run by models.publish after the edges and vectors)
MERGE (v:ModelVersion {version: $version})
SET v.publishedAt = datetime(), v.models = $models, v.similarTo = $similarTo, v.boughtWith = $boughtWith,
    v.productVectors = $productVectors, v.userVectors = $userVectors
RETURN v.version AS version, v.publishedAt AS publishedAt
