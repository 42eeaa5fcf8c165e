// Takes the lock that lets one training at a time publish a model version (models/publish.py), when it is free,
// its lease ran out (its holder stopped renewing it: that training died) or it is this holder's already. Setting
// askedAt first takes the lock node's write lock, so what follows reads the holder as it is now, and two
// trainings asking at once are answered one after the other.
// Parameters: holder (string: an id new to this publish), version, host (strings), pid (int), lease (seconds)
// Columns: taken (boolean), version, host, pid, since, expiresAt (of the publish holding it now)
// Writes: the PublishLock node.
// Example (a write; run by models.publish)
MERGE (lock:PublishLock {id: 'models'})
SET lock.askedAt = datetime()
WITH lock, lock.holder IS NULL OR lock.expiresAt < datetime() OR lock.holder = $holder AS free
SET lock += CASE WHEN free THEN {holder: $holder, version: $version, host: $host, pid: $pid, since: datetime(),
                                 expiresAt: datetime() + duration({seconds: $lease})}
                 ELSE {} END
RETURN free AS taken, lock.version AS version, lock.host AS host, lock.pid AS pid, lock.since AS since,
       lock.expiresAt AS expiresAt
