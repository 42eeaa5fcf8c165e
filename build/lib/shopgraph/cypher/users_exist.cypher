// Which of the given user ids name an account (to check a batch of events before writing any of it).
// Parameters: userIds (list of strings)
// Columns: id (string)
// Example: shopgraph cypher users_exist -p userIds='["17850", "13047"]'
UNWIND $userIds AS userId
MATCH (u:User {id: userId})
RETURN u.id AS id
