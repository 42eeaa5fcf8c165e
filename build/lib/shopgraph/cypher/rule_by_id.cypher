// One merchandiser rule with its target.
// Parameters: ruleId (string)
// Columns: rule (map: id, kind, weight, active, startsAt, endsAt, createdAt, note, targetKind, target, targetName);
//          no row when there is no such rule
// Example: shopgraph cypher rule_by_id -p ruleId='"r-xmas"'
MATCH (r:Rule {id: $ruleId})
OPTIONAL MATCH (r)-[:TARGETS]->(t)
RETURN r {.id, .kind, .weight, .active, .startsAt, .endsAt, .createdAt, .note,
          targetKind: CASE WHEN t:Product THEN 'product' WHEN t:Category THEN 'category'
                           WHEN t:Brand THEN 'brand' END,
          target: coalesce(t.id, t.name), targetName: t.name} AS rule
