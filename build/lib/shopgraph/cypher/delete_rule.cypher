// Deletes a merchandiser rule and its TARGETS edge (the target itself stays).
// Parameters: ruleId (string)
// Columns: deleted (int: 1, or 0 when there was no such rule)
// Writes: deletes the Rule node. Example: graph.write("delete_rule", ruleId="r-xmas")
OPTIONAL MATCH (r:Rule {id: $ruleId})
DETACH DELETE r
RETURN count(r) AS deleted
