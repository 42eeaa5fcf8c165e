// Stores the answer of the write an Idempotency-Key was claimed for, in the same transaction as the write,
// so a retry with the key gets exactly this answer and never a second write.
// Parameters: id (string), status (int: the HTTP status), body (string: the JSON answer)
// Columns: stored (int)
// Writes: IdempotencyKey.status, IdempotencyKey.body.
MATCH (k:IdempotencyKey {id: $id})
SET k.status = $status, k.body = $body
RETURN count(k) AS stored
