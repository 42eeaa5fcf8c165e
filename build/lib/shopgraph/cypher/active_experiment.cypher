// The A/B test running now, if any (at most one runs at a time): shoppers are split between its two strategies.
// Parameters: none
// Columns: experiment (map: id, name, strategyA, strategyB, active, createdAt, startedAt, stoppedAt)
// Example: shopgraph cypher active_experiment
MATCH (e:Experiment {active: true})
RETURN e {.id, .name, .strategyA, .strategyB, .active, .createdAt, .startedAt, .stoppedAt} AS experiment
ORDER BY e.startedAt DESC
LIMIT 1
