// Replaces an account's password hash (argon2 parameters upgraded at sign-in).
// Parameters: userId (string), passwordHash (string)
// Columns: id (string)
// Writes: User.passwordHash. Example: graph.write("set_password_hash", userId=..., passwordHash=...)
MATCH (u:User {id: $userId})
SET u.passwordHash = $passwordHash
RETURN u.id AS id
