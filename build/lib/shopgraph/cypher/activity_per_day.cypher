// The shop's activity per day between $since and $until: orders placed (purchases), and the view, cart and
// rating/like edges whose latest event fell on that day. Interaction edges keep only their latest time (VIEWED
// counts views in one edge; a cart line leaves at checkout), so those columns count shoppers-and-products
// active that day. Datasets without views or carts (Online Retail has only orders) show zeros there.
// Parameters: since, until (datetime)
// Columns: day (date), purchases (int: orders), units (float: items ordered), views (int), carts (int),
//          opinions (int: ratings and likes)
// Example: shopgraph cypher activity_per_day -p since='"2011-11-09T00:00:00Z"' -p until='"2011-12-10T00:00:00Z"'
CALL () {
  MATCH (o:Order)
  WHERE datetime($since) <= o.at < datetime($until)
  RETURN date(o.at) AS day, 1 AS purchases, COUNT { (o)-[:CONTAINS]->() } AS lines, 0 AS views, 0 AS carts,
         0 AS opinions
  UNION ALL
  MATCH ()-[v:VIEWED]->()
  WHERE datetime($since) <= v.at < datetime($until)
  RETURN date(v.at) AS day, 0 AS purchases, 0 AS lines, 1 AS views, 0 AS carts, 0 AS opinions
  UNION ALL
  MATCH ()-[c:ADDED_TO_CART]->()
  WHERE datetime($since) <= c.at < datetime($until)
  RETURN date(c.at) AS day, 0 AS purchases, 0 AS lines, 0 AS views, 1 AS carts, 0 AS opinions
  UNION ALL
  MATCH ()-[r:RATED|LIKED]->()
  WHERE datetime($since) <= r.at < datetime($until)
  RETURN date(r.at) AS day, 0 AS purchases, 0 AS lines, 0 AS views, 0 AS carts, 1 AS opinions
}
RETURN day, sum(purchases) AS purchases, sum(lines) AS lines, sum(views) AS views, sum(carts) AS carts,
       sum(opinions) AS opinions
ORDER BY day
