// Every product's stored vectors, for numpy scoring at serving time: matrix-factorisation factors (mf) and the
// node embedding (embedding). Products with neither vector are left out.
// Parameters: none
// Columns: productId, mf (list of floats or null), embedding (list of floats or null)
// Example: shopgraph cypher product_vectors --json
MATCH (p:Product)
WHERE p.mf IS NOT NULL OR p.embedding IS NOT NULL
RETURN p.id AS productId, p.mf AS mf, p.embedding AS embedding
