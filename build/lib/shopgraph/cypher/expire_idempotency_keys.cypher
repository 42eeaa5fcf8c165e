// Deletes a bounded batch of expired Idempotency-Keys. It runs after each key is written, so the keys kept
// never outgrow the writes of one expiry period (24 h by default) plus a batch.
// Parameters: limit (int)
// Columns: removed (int)
// Writes: deletes IdempotencyKey nodes (they have no relationships).
MATCH (k:IdempotencyKey)
WHERE k.expiresAt <= datetime()
WITH k LIMIT $limit
DELETE k
RETURN count(*) AS removed
