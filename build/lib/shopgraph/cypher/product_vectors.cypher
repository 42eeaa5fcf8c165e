// Every product's stored vectors, for numpy scoring at serving time: matrix-factorisation factors (mf) and the
// node embedding (embedding): the live model version's, from its vector slot (published_model.cypher), so a
// version still being published, or what a failed publish wrote, is never read. Products with neither are left out.
// Parameters: none
// Columns: productId, mf (list of floats or null), embedding (list of floats or null)
// Example: shopgraph cypher product_vectors --json
WITH head(COLLECT { MATCH (v:ModelVersion) WHERE v.publishedAt IS NOT NULL
                    RETURN v.vectorSlot ORDER BY v.publishedAt DESC LIMIT 1 }) AS slot
MATCH (p:Product)
WITH p, CASE slot WHEN 2 THEN [p.mf2, p.embedding2] ELSE [p.mf, p.embedding] END AS vectors
WHERE vectors[0] IS NOT NULL OR vectors[1] IS NOT NULL
RETURN p.id AS productId, vectors[0] AS mf, vectors[1] AS embedding
