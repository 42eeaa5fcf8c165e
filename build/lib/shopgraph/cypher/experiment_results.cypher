// An A/B test's outcome per variant, counted per shopper (the unit the split assigns): shoppers who were shown
// lists, those who clicked a product a list showed them, and those who converted -- ordered a product a list
// showed them within $windowHours of seeing it. Lists and clicks are the raw counts behind those shares.
// Parameters: experimentId (string), windowHours (int)
// Columns: variant ('A' | 'B'), strategy, shoppers (int), clickers (int), converters (int), lists (int), clicks (int)
// Example: shopgraph cypher experiment_results -p experimentId='"x-multi"' -p windowHours=24
MATCH (l:RecommendationList {experimentId: $experimentId})
WHERE l.userId IS NOT NULL
WITH l,
     COUNT { MATCH (l)-[:CLICKED]->(p:Product) WHERE (l)-[:SHOWED]->(p) } AS clicks,
     EXISTS {
       MATCH (:User {id: l.userId})-[:PLACED]->(o:Order)-[:CONTAINS]->(p:Product)
       WHERE o.at >= l.at AND o.at < l.at + duration({hours: $windowHours}) AND (l)-[:SHOWED]->(p)
     } AS converted
WITH l.variant AS variant, l.strategy AS strategy, l.userId AS userId, count(l) AS lists, sum(clicks) AS clicks,
     max(CASE WHEN clicks > 0 THEN 1 ELSE 0 END) AS clicked, max(CASE WHEN converted THEN 1 ELSE 0 END) AS bought
RETURN variant, strategy, count(userId) AS shoppers, sum(clicked) AS clickers, sum(bought) AS converters,
       sum(lists) AS lists, sum(clicks) AS clicks
ORDER BY variant, strategy
