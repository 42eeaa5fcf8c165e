// Forgets the failed sign-ins of an email after a successful sign-in.
// Parameters: email (string)
// Columns: cleared (int)
// Writes: deletes the SignInGuard node. Example: graph.write("clear_sign_in_guard", email="ada@example.com")
OPTIONAL MATCH (g:SignInGuard {email: $email})
DETACH DELETE g
RETURN count(g) AS cleared
