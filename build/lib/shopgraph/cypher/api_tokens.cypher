// Every API token (never the hashes), newest first.
// Parameters: none
// Columns: token (map: id, role, name, createdAt)
// Example: shopgraph cypher api_tokens
MATCH (t:ApiToken)
RETURN t {.id, .role, .name, .createdAt} AS token
ORDER BY t.createdAt DESC
