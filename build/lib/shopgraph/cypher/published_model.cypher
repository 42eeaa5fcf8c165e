// The live model version, if any: the newest one whose publish finished (models/publish.py). A version still being
// published, or one whose publish failed, has no publishedAt and is never live. It names whose trained edges and
// which vector slot serving reads: its own, or the version before's where it trained none of its own.
// Parameters: none
// Columns: version ("YYYYmmddTHHMMSSZ"), publishedAt, models (list of model names), similarTo, boughtWith
//          (edges written), productVectors, userVectors (nodes given vectors), similarToVersion, boughtWithVersion
//          (the versions whose SIMILAR_TO and BOUGHT_WITH edges are served), vectorsVersion, vectorSlot (the
//          version whose vectors are served, and where: slot 1 is embedding and mf, slot 2 embedding2 and mf2)
// Example: shopgraph cypher published_model
MATCH (v:ModelVersion)
WHERE v.publishedAt IS NOT NULL
RETURN v.version AS version, v.publishedAt AS publishedAt, v.models AS models, v.similarTo AS similarTo,
       v.boughtWith AS boughtWith, v.productVectors AS productVectors, v.userVectors AS userVectors,
       coalesce(v.similarToVersion, v.version) AS similarToVersion,
       coalesce(v.boughtWithVersion, v.version) AS boughtWithVersion,
       coalesce(v.vectorsVersion, v.version) AS vectorsVersion, coalesce(v.vectorSlot, 1) AS vectorSlot
ORDER BY v.publishedAt DESC
LIMIT 1
