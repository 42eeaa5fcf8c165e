// What the graph holds: node counts per label and relationship counts per type of the graph model, each
// answered by Neo4j's count store (instant at any size). The load summary compares them before and after.
// Parameters: none
// Columns: name (a label or relationship type), kind ('node' or 'relationship'), count (int)
// Example: shopgraph cypher load_counts
//          (rows such as {name: 'Product', kind: 'node', count: 3656})
CALL () {
  MATCH (n:Product) RETURN 'Product' AS name, 'node' AS kind, count(n) AS count
  UNION ALL MATCH (n:Category) RETURN 'Category' AS name, 'node' AS kind, count(n) AS count
  UNION ALL MATCH (n:Brand) RETURN 'Brand' AS name, 'node' AS kind, count(n) AS count
  UNION ALL MATCH (n:Tag) RETURN 'Tag' AS name, 'node' AS kind, count(n) AS count
  UNION ALL MATCH (n:User) RETURN 'User' AS name, 'node' AS kind, count(n) AS count
  UNION ALL MATCH (n:Order) RETURN 'Order' AS name, 'node' AS kind, count(n) AS count
  UNION ALL MATCH ()-[r:PARENT_OF]->() RETURN 'PARENT_OF' AS name, 'relationship' AS kind, count(r) AS count
  UNION ALL MATCH ()-[r:IN_CATEGORY]->() RETURN 'IN_CATEGORY' AS name, 'relationship' AS kind, count(r) AS count
  UNION ALL MATCH ()-[r:MADE_BY]->() RETURN 'MADE_BY' AS name, 'relationship' AS kind, count(r) AS count
  UNION ALL MATCH ()-[r:TAGGED]->() RETURN 'TAGGED' AS name, 'relationship' AS kind, count(r) AS count
  UNION ALL MATCH ()-[r:PLACED]->() RETURN 'PLACED' AS name, 'relationship' AS kind, count(r) AS count
  UNION ALL MATCH ()-[r:CONTAINS]->() RETURN 'CONTAINS' AS name, 'relationship' AS kind, count(r) AS count
  UNION ALL MATCH ()-[r:PURCHASED]->() RETURN 'PURCHASED' AS name, 'relationship' AS kind, count(r) AS count
  UNION ALL MATCH ()-[r:RATED]->() RETURN 'RATED' AS name, 'relationship' AS kind, count(r) AS count
  UNION ALL MATCH ()-[r:VIEWED]->() RETURN 'VIEWED' AS name, 'relationship' AS kind, count(r) AS count
  UNION ALL MATCH ()-[r:LIKED]->() RETURN 'LIKED' AS name, 'relationship' AS kind, count(r) AS count
  UNION ALL MATCH ()-[r:DISLIKED]->() RETURN 'DISLIKED' AS name, 'relationship' AS kind, count(r) AS count
  UNION ALL MATCH ()-[r:ADDED_TO_CART]->() RETURN 'ADDED_TO_CART' AS name, 'relationship' AS kind, count(r) AS count
}
RETURN name, kind, count
