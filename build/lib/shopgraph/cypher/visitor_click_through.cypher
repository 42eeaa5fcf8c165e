// Click-through of the lists shown to visitors (no signed-in shopper) since $since, per surface and strategy,
// summed from the daily tallies (record_list_tallies): lists shown, products shown, clicks. Visitors' lists are
// counted, not kept one by one, so the lists that had a click are not known; clicks are.
// Parameters: since (datetime)
// Columns: surface, strategy, lists (int), impressions (int), clicks (int)
// Example: shopgraph cypher visitor_click_through -p since='"2024-01-01T00:00:00Z"'
MATCH (t:ListTally)
WHERE t.day >= date(datetime($since))
RETURN t.surface AS surface, t.strategy AS strategy, sum(t.lists) AS lists, sum(t.impressions) AS impressions,
       sum(t.clicks) AS clicks
ORDER BY lists DESC, surface, strategy
