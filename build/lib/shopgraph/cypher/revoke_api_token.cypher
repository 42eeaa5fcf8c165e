// Deletes an API token, so its bearer is refused from then on.
// Parameters: tokenId (string)
// Columns: revoked (int)
// Writes: deletes the ApiToken node. Example: graph.write("revoke_api_token", tokenId="3f9a0c1d2e4b")
OPTIONAL MATCH (t:ApiToken {id: $tokenId})
DETACH DELETE t
RETURN count(t) AS revoked
