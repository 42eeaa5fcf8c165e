// Renews a publish's lease on the publish lock, first thing in the transaction of each of its writes
// (models/publish.py): the write goes ahead only while the publish holds the lock, and setting askedAt holds the
// lock node until the write commits, so no other training can take it over half-way through a write.
// Parameters: holder (string), lease (seconds)
// Columns: held (boolean)
// Writes: the PublishLock node's lease.
// Example (a write; run by models.publish)
MATCH (lock:PublishLock {id: 'models'})
SET lock.askedAt = datetime()
WITH lock
WHERE lock.holder = $holder
SET lock.expiresAt = datetime() + duration({seconds: $lease})
RETURN count(lock) = 1 AS held
