// Every A/B test, the running one first, then newest first.
// Parameters: none
// Columns: experiment (map: id, name, strategyA, strategyB, active, createdAt, startedAt, stoppedAt)
// Example: shopgraph cypher experiments
MATCH (e:Experiment)
RETURN e {.id, .name, .strategyA, .strategyB, .active, .createdAt, .startedAt, .stoppedAt} AS experiment
ORDER BY e.active DESC, e.createdAt DESC, e.id
