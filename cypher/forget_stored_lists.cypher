// Forgets the lists stored ahead of time for the given shoppers, so that their next list is built live: what
// the served evaluation compares a folded list with (a list stored ahead, with what the shopper did since folded
// in, against the list made from scratch).
// Parameters: userIds (list of string)
// Writes: removes User.recommendedIds, recommendedScores, recommendedBecause, recommendedFor, recommendedVersion,
//         recommendedAt
// Columns: forgotten (int)
// Example: shopgraph cypher forget_stored_lists -p 'userIds=["12347"]'
UNWIND $userIds AS userId
MATCH (u:User {id: userId})
REMOVE u.recommendedIds, u.recommendedScores, u.recommendedBecause, u.recommendedFor, u.recommendedVersion,
       u.recommendedAt
RETURN count(u) AS forgotten
