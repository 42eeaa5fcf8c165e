// Starts or stops an A/B test. Starting one stops any other, so a shopper is in at most one test.
// Parameters: experimentId (string), active (bool)
// Columns: id (string); no row when there is no such experiment
// Writes: Experiment.active, startedAt, stoppedAt. Example: graph.write("set_experiment_active", experimentId="x-1",
//         active=True)
MATCH (e:Experiment {id: $experimentId})
CALL (e) {
  MATCH (other:Experiment {active: true})
  WHERE $active AND other <> e
  SET other.active = false, other.stoppedAt = datetime()
}
SET e.active = $active,
    e.startedAt = CASE WHEN $active AND NOT coalesce(e.active, false) THEN datetime() ELSE e.startedAt END,
    e.stoppedAt = CASE WHEN $active THEN null ELSE coalesce(e.stoppedAt, datetime()) END
RETURN e.id AS id
