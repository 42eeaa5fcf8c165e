// Creates an A/B test between two recommendation strategies: (:Experiment {id, name, strategyA, strategyB,
// active, createdAt}). It starts switched off; set_experiment_active starts it.
// Parameters: experimentId (string), name (string), strategyA, strategyB (strategy names)
// Columns: experiment (map: id, name, strategyA, strategyB, active, createdAt)
// Writes: one Experiment node. Example: graph.write("create_experiment", experimentId="x-1", name="Multi vs hybrid",
//         strategyA="hybrid", strategyB="multi")
CREATE (e:Experiment {id: $experimentId, name: $name, strategyA: $strategyA, strategyB: $strategyB, active: false,
                      createdAt: datetime()})
RETURN e {.id, .name, .strategyA, .strategyB, .active, .createdAt, .startedAt, .stoppedAt} AS experiment
