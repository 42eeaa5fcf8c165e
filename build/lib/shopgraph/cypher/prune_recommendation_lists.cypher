// The retention job's step: deletes up to $limit recommendation lists served before $before (with their SHOWED
// and CLICKED edges) and the visitors' daily tallies of days before it, so the log of served lists stays as long
// as the shop chooses (ONLINE_METRICS_RETENTION_DAYS) instead of growing for ever. Lists without a time are the
// bare ones older releases MERGEd for a click on an unknown id, and go too; so do the SignInGuard nodes older
// releases kept per typed email (sign-in throttling no longer writes to the graph). Run it until it deletes
// fewer than $limit, so no one transaction holds many locks.
// Parameters: before (datetime), limit (int)
// Columns: deleted (int: nodes deleted)
// Writes: deletes RecommendationList, ListTally and SignInGuard nodes. Example: graph.write(
//         "prune_recommendation_lists", before=now - timedelta(days=90), limit=5000)
CALL () {
  MATCH (l:RecommendationList) WHERE l.at < $before OR l.at IS NULL
  RETURN l AS old LIMIT $limit
  UNION
  MATCH (t:ListTally) WHERE t.day < date($before)
  RETURN t AS old LIMIT $limit
  UNION
  MATCH (g:SignInGuard)
  RETURN g AS old LIMIT $limit
}
WITH old LIMIT $limit
DETACH DELETE old
RETURN count(*) AS deleted
