// Counts the recommendation lists shown to visitors (no signed-in shopper): one (:ListTally {id, day, surface,
// strategy, lists, impressions, clicks}) per day, surface and strategy, rather than a node per list, so anonymous
// traffic adds at most a few nodes a day however many pages it asks for. The id is computed by the app from the
// day, surface and strategy, so every worker adds to the same tally without reading it first.
// Parameters: rows (list of {id (32 hex), day (date), surface, strategy, lists (int), impressions (int)})
// Columns: recorded (int: tallies written)
// Writes: ListTally nodes. Example: graph.write("record_list_tallies", rows=[{"id": "1f0e...", "day": today,
//         "surface": "home", "strategy": "trending", "lists": 3, "impressions": 36}])
UNWIND $rows AS row
MERGE (t:ListTally {id: row.id})
ON CREATE SET t.day = row.day, t.surface = row.surface, t.strategy = row.strategy, t.lists = 0,
              t.impressions = 0, t.clicks = 0
SET t.lists = t.lists + row.lists, t.impressions = t.impressions + row.impressions
RETURN count(t) AS recorded
