// Sign-up: a new shop account. Fails with a constraint error when the email is taken (User.email is unique).
// Parameters: userId (string, a uuid), email (string, lower-cased), name (string), passwordHash (string, argon2),
//             role ('shopper' | 'merchandiser')
// Columns: user (map: id, email, name, role, createdAt)
// Writes: one User node. Example: graph.write("create_user", userId=..., email=..., name=..., passwordHash=..., role="shopper")
CREATE (u:User {id: $userId, email: $email, name: $name, passwordHash: $passwordHash, role: $role,
                createdAt: datetime()})
RETURN u {.id, .email, .name, .role, .createdAt} AS user
