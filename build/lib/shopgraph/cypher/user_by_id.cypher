// An account by id (never its password hash). Dataset customers have no email and the role shopper.
// Parameters: userId (string)
// Columns: user (map: id, email, name, role, createdAt, canSignIn (bool))
// Example: shopgraph cypher user_by_id -p userId='"17850"'
MATCH (u:User {id: $userId})
RETURN u {.id, .email, .name, role: coalesce(u.role, 'shopper'), .createdAt,
          canSignIn: u.passwordHash IS NOT NULL} AS user
