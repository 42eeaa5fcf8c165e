// One day's tally of the recommendation lists shown to visitors on a surface with a strategy (a visitor's
// ?rec= link names it): how many lists, the products they showed, and the clicks on them.
// Parameters: tallyId (string, 32 hex)
// Columns: tally (map: id, day, surface, strategy, lists, impressions, clicks); no row for an unknown id
// Example: shopgraph cypher list_tally -p tallyId='"0b9a4c7e2d1f4a6b8c3e5d7f9a1b2c4d"'
MATCH (t:ListTally {id: $tallyId})
RETURN t {.id, .day, .surface, .strategy, .lists, .impressions, .clicks} AS tally
