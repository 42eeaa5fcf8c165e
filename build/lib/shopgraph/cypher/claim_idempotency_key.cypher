// Claims an Idempotency-Key for one attempt of a write, or finds the answer an earlier attempt stored.
// MERGE on the uniquely constrained id locks the key: a concurrent request with the same key waits here
// until the first one commits (then finds its answer) or rolls back (then claims the key itself), so the
// write behind a key happens at most once. An expired key is taken over as if it were new.
// Parameters: id (string: hash of the caller's scope and key), attempt (string, fresh per attempt),
//             fingerprint (string: hash of the request body), ttlSeconds (int)
// Columns: claimed (bool: this attempt does the write), fingerprint (string), status (int or null),
//          body (string: JSON, or null)
// Writes: IdempotencyKey {id, attempt, fingerprint, createdAt, expiresAt}.
MERGE (k:IdempotencyKey {id: $id})
ON CREATE SET k.attempt = $attempt, k.fingerprint = $fingerprint, k.createdAt = datetime(),
              k.expiresAt = datetime() + duration({seconds: $ttlSeconds})
WITH k
CALL (k) {
  WITH k WHERE k.attempt <> $attempt AND k.expiresAt <= datetime()
  SET k.attempt = $attempt, k.fingerprint = $fingerprint, k.createdAt = datetime(),
      k.expiresAt = datetime() + duration({seconds: $ttlSeconds}), k.status = null, k.body = null
}
RETURN k.attempt = $attempt AS claimed, k.fingerprint AS fingerprint, k.status AS status, k.body AS body
