// An API token by id, with the hash of its secret, to check a bearer token.
// Parameters: tokenId (string)
// Columns: token (map: id, hash, role)
// Example: shopgraph cypher api_token_by_id -p tokenId='"3f9a0c1d2e4b"'
MATCH (t:ApiToken {id: $tokenId})
RETURN t {.id, .hash, .role} AS token
