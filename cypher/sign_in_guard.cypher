// The failed sign-in record of an email address: how many recent failures and until when it is locked.
// Kept in the graph so every web worker sees the same count.
// Parameters: email (string, lower-cased)
// Columns: failures (int), lockedUntil (datetime or null)
// Example: shopgraph cypher sign_in_guard -p email='"ada@example.com"'
MATCH (g:SignInGuard {email: $email})
RETURN g.failures AS failures, g.lockedUntil AS lockedUntil
