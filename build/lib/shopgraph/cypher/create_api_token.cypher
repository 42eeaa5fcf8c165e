// A new API token: only the SHA-256 hash of its secret is stored.
// Parameters: tokenId (string), hash (string, hex SHA-256 of the secret), role ('merchandiser' | 'integration'),
//             name (string or null, what it is for)
// Columns: token (map: id, role, name, createdAt)
// Writes: one ApiToken node. Example: graph.write("create_api_token", tokenId=..., hash=..., role="merchandiser", name=None)
CREATE (t:ApiToken {id: $tokenId, hash: $hash, role: $role, name: $name, createdAt: datetime()})
RETURN t {.id, .role, .name, .createdAt} AS token
