// Every merchandiser rule with its target, newest first (the dashboard's and the API's list).
// A rule whose target was deleted from the catalogue shows targetKind null; it no longer applies.
// Parameters: none
// Columns: rule (map: id, kind, weight, active, startsAt, endsAt, createdAt, note,
//          targetKind ('product' | 'category' | 'brand' | null), target (id or brand name), targetName)
// Example: shopgraph cypher rules
MATCH (r:Rule)
OPTIONAL MATCH (r)-[:TARGETS]->(t)
RETURN r {.id, .kind, .weight, .active, .startsAt, .endsAt, .createdAt, .note,
          targetKind: CASE WHEN t:Product THEN 'product' WHEN t:Category THEN 'category'
                           WHEN t:Brand THEN 'brand' END,
          target: coalesce(t.id, t.name), targetName: t.name} AS rule
ORDER BY r.createdAt DESC, r.id
