// Deletes an A/B test. The lists it served keep their experimentId and variant, so nothing else is lost.
// Parameters: experimentId (string)
// Columns: deleted (int: 1, or 0 when there was no such experiment)
// Writes: deletes the Experiment node. Example: graph.write("delete_experiment", experimentId="x-1")
OPTIONAL MATCH (e:Experiment {id: $experimentId})
DETACH DELETE e
RETURN count(e) AS deleted
