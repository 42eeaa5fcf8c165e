// Load users: creates or updates dataset customers by id (no email, no password: they cannot sign in).
// A missing name or country keeps the old value; createdAt is the first time the user was seen.
// Parameters: $rows, a list of {id: string, name: string|null, country: string|null, createdAt: epoch millis|null}
// Columns: none (a write)
// Writes: User nodes.
// Example: $rows = [{id: '17850', name: null, country: 'United Kingdom', createdAt: 1291191960000}]
UNWIND $rows AS row
MERGE (user:User {id: row.id})
SET user.name = coalesce(row.name, user.name),
    user.country = coalesce(row.country, user.country),
    user.createdAt = CASE WHEN row.createdAt IS NULL THEN coalesce(user.createdAt, datetime())
                          ELSE datetime({epochMillis: row.createdAt}) END
