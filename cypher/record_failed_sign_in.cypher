// Counts a failed sign-in for an email; the failure that reaches $maxFailures within $windowSeconds locks
// the address for $lockSeconds (and starts the count again).
// Parameters: email (string), maxFailures (int), windowSeconds (int), lockSeconds (int)
// Columns: failures (int), lockedUntil (datetime or null)
// Writes: the SignInGuard node of the email. Example: graph.write("record_failed_sign_in", email="a@b.c",
//         maxFailures=5, windowSeconds=900, lockSeconds=900)
MERGE (g:SignInGuard {email: $email})
ON CREATE SET g.failures = 0
WITH g, datetime() AS now
WITH g, now,
     CASE WHEN g.lastFailureAt IS NULL OR g.lastFailureAt < now - duration({seconds: $windowSeconds})
          THEN 1 ELSE g.failures + 1 END AS failures
SET g.lastFailureAt = now,
    g.failures = CASE WHEN failures >= $maxFailures THEN 0 ELSE failures END,
    g.lockedUntil = CASE WHEN failures >= $maxFailures THEN now + duration({seconds: $lockSeconds})
                         ELSE g.lockedUntil END
RETURN failures, g.lockedUntil AS lockedUntil
