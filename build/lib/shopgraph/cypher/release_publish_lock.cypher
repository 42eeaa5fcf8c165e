// Releases the publish lock when a publish ends, finished or failed (models/publish.py); a lock another training
// has taken over meanwhile is left alone.
// Parameters: holder (string)
// Columns: released (int)
// Writes: the PublishLock node.
// Example (a write; run by models.publish)
MATCH (lock:PublishLock {id: 'models'})
WHERE lock.holder = $holder
REMOVE lock.holder, lock.version, lock.host, lock.pid, lock.since, lock.expiresAt
RETURN count(lock) AS released
