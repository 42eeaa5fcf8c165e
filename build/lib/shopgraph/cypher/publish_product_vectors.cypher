// Stores a model version's vectors on Product nodes, in the vector slot begin_model_version chose for it -- the one
// the live version does not serve from (models/publish.py): slot 1 is embedding and mf, slot 2 embedding2 and mf2,
// each with the version that wrote it. The node embedding (64 floats) is searched through the slot's vector index
// (product_embedding, product_embedding_2); mf holds the matrix-factorisation factors. A null vector is left out.
// Parameters: rows (list of {id, embedding, mf}), version (string), slot (1 or 2)
// Columns: written (int)
// Writes: Product vectors of one slot.
// Example (a write; run by models.publish under the publish lock)
UNWIND $rows AS row
MATCH (n:Product {id: row.id})
WITH n, row, CASE $slot WHEN 2 THEN ['embedding2', 'mf2', 'vectorsVersion2']
                        ELSE ['embedding', 'mf', 'vectorsVersion'] END AS slot
SET n[slot[0]] = row.embedding, n[slot[1]] = row.mf, n[slot[2]] = $version
RETURN count(n) AS written
