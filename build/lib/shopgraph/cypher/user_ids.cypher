// Every shopper's id, in id order, a page at a time (for `shopgraph recommend --all-users`).
// Parameters: after (string: the last id of the previous page, "" for the first), limit (int)
// Columns: userId
// Example: shopgraph cypher user_ids -p after='""' -p limit=20
MATCH (u:User)
WHERE u.id > $after
RETURN u.id AS userId
ORDER BY userId
LIMIT $limit
