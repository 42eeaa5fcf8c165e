// Switches a merchandiser rule on or off (a rule that is off stays listed but changes no list).
// Parameters: ruleId (string), active (bool)
// Columns: id (string); no row when there is no such rule
// Writes: Rule.active. Example: graph.write("set_rule_active", ruleId="r-xmas", active=False)
MATCH (r:Rule {id: $ruleId})
SET r.active = $active
RETURN r.id AS id
