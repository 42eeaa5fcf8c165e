// Stores shoppers' lists made ahead of time (by `shopgraph train` and `shopgraph recommend --all-users --store`),
// which serving uses while the shopper's activity, the model version and a maximum age say they still hold.
// Each list is the shopper's ranking by the stored strategy (multi) after their own exclusions and before
// merchandiser rules, best first: read them with
//   MATCH (u:User {id: '12347'}) UNWIND range(0, size(u.recommendedIds) - 1) AS i
//   RETURN u.recommendedIds[i] AS product, u.recommendedScores[i] AS score, u.recommendedBecause[i] AS because
// Parameters: rows (list of {userId, ids, scores, because (JSON strings), activity, version})
// Writes: User.recommendedIds, recommendedScores, recommendedBecause, recommendedFor, recommendedVersion,
//         recommendedAt
// Columns: stored (int)
// Example: shopgraph cypher store_recommendations -p rows='[{"userId": "12347", "ids": ["22423"], "scores": [1.0], "because": ["[{\"kind\": \"trending\"}]"], "activity": "1|x|0|", "version": ""}]'
UNWIND $rows AS row
MATCH (u:User {id: row.userId})
SET u.recommendedIds = row.ids, u.recommendedScores = row.scores, u.recommendedBecause = row.because,
    u.recommendedFor = row.activity, u.recommendedVersion = row.version, u.recommendedAt = datetime()
RETURN count(u) AS stored
