// The model version whose edges and vectors are in the graph (written last by `shopgraph train`), if any.
// Parameters: none
// Columns: version ("YYYYmmddTHHMMSSZ"), publishedAt, models (list of model names), similarTo, boughtWith
//          (edges written), productVectors, userVectors (nodes given vectors)
// Example: shopgraph cypher published_model
MATCH (v:ModelVersion)
RETURN v.version AS version, v.publishedAt AS publishedAt, v.models AS models, v.similarTo AS similarTo,
       v.boughtWith AS boughtWith, v.productVectors AS productVectors, v.userVectors AS userVectors
ORDER BY v.publishedAt DESC
LIMIT 1
