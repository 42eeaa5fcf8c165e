// Creates or replaces a shopper's account details (PUT /api/v1/shoppers/{id}): name and email. Other properties
// (country, createdAt, a password set through the shop) are kept. An account of another role is left as it is
// and reported, so an integration cannot rename a merchandiser. Fails with a constraint error when another account
// holds the email (User.email is unique).
// Parameters: userId (string), name (string), email (string, lower-cased, or null)
// Columns: user (map: id, email, name, role, createdAt, canSignIn), created (bool), role (string: the account's)
// Writes: one User node (created or updated). Example: graph.write("put_shopper", userId="crm-1", name="Ann", email=None)
OPTIONAL MATCH (old:User {id: $userId})
WITH old IS NULL AS created, coalesce(old.role, 'shopper') AS role
MERGE (u:User {id: $userId})
ON CREATE SET u.role = 'shopper', u.createdAt = datetime()
WITH u, created, role
CALL (u, role) {
  WITH u, role WHERE role = 'shopper'
  SET u.name = $name, u.email = $email
}
RETURN u {.id, .email, .name, role: role, .createdAt, canSignIn: u.passwordHash IS NOT NULL} AS user,
       created, role
