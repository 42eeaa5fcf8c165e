// Stores a trained version's vectors on Product nodes: the node embedding (64 floats, searched through the
// product_embedding vector index) and the matrix-factorisation factors (mf), stamped with the version.
// A null vector leaves that property as it is.
// Parameters: rows (list of {id, embedding, mf}), version (string)
// Columns: written (int)
// Writes: Product.embedding, Product.mf and their version.
// Example (a write; run by models.publish): graph.write_batches("publish_product_vectors", rows, version="20240101T000000Z")
UNWIND $rows AS row
MATCH (n:Product {id: row.id})
SET n.embedding = coalesce(row.embedding, n.embedding), n.mf = coalesce(row.mf, n.mf), n.vectorsVersion = $version
RETURN count(n) AS written
