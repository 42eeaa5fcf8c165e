// An account by its (lower-cased) email, with the password hash, for signing in.
// Parameters: email (string)
// Columns: user (map: id, email, name, role, passwordHash)
// Example: shopgraph cypher user_by_email -p email='"ada@example.com"'
MATCH (u:User {email: $email})
RETURN u {.id, .email, .name, role: coalesce(u.role, 'shopper'), .passwordHash} AS user
