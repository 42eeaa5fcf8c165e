// Creates a merchandiser rule aimed at one product, category or brand: (:Rule)-[:TARGETS]->(target), switched on.
// Nothing is written, and no row comes back, when the target does not exist.
// Parameters: ruleId (string), kind ('pin' | 'boost' | 'bury' | 'exclude'), weight (float >= 0),
//             targetKind ('product' | 'category' | 'brand'), target (a product id, category id or brand name),
//             startsAt, endsAt (datetime or null: when the rule applies), note (string or null)
// Columns: rule (map: id, kind, weight, active, startsAt, endsAt, createdAt, note, targetKind, target, targetName)
// Writes: one Rule node and its TARGETS edge. Example: graph.write("create_rule", ruleId="r-1", kind="boost",
//         weight=0.5, targetKind="category", target="kitchen", startsAt=None, endsAt=None, note=None)
CALL () {
  MATCH (t:Product {id: $target}) WHERE $targetKind = 'product' RETURN t
  UNION
  MATCH (t:Category {id: $target}) WHERE $targetKind = 'category' RETURN t
  UNION
  MATCH (t:Brand {name: $target}) WHERE $targetKind = 'brand' RETURN t
}
CREATE (r:Rule {id: $ruleId, kind: $kind, weight: $weight, active: true, startsAt: $startsAt, endsAt: $endsAt,
                note: $note, createdAt: datetime()})
CREATE (r)-[:TARGETS]->(t)
RETURN r {.id, .kind, .weight, .active, .startsAt, .endsAt, .createdAt, .note,
          targetKind: $targetKind, target: $target, targetName: t.name} AS rule
