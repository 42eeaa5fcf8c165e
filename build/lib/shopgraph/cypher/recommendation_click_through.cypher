// Click-through of the recommendation lists served since $since, per surface and strategy: lists shown, the
// products they showed (impressions), clicks on those products, and the lists with at least one click.
// A click counts only on a product its list showed.
// Parameters: since (datetime)
// Columns: surface, strategy, lists (int), impressions (int), clicks (int), clickedLists (int)
// Example: shopgraph cypher recommendation_click_through -p since='"2024-01-01T00:00:00Z"'
MATCH (l:RecommendationList)
WHERE l.at >= datetime($since)
WITH l, COUNT { (l)-[:SHOWED]->() } AS shown,
     COUNT { MATCH (l)-[:CLICKED]->(p:Product) WHERE (l)-[:SHOWED]->(p) } AS clicked
RETURN l.surface AS surface, l.strategy AS strategy, count(l) AS lists, sum(shown) AS impressions,
       sum(clicked) AS clicks, sum(CASE WHEN clicked > 0 THEN 1 ELSE 0 END) AS clickedLists
ORDER BY lists DESC, surface, strategy
