// One recommendation list as it was served: its properties, the products it showed (in order) and those clicked.
// Parameters: listId (string)
// Columns: list (map: id, strategy, surface, at, userId, experimentId, variant, size), showed (list of product ids,
//          by position), clicked (list of product ids); no row for an unknown list
// Example: shopgraph cypher recommendation_list -p listId='"5d0c6e2a9b8f4e1d8c7b6a5f4e3d2c1b"'
MATCH (l:RecommendationList {id: $listId})
RETURN l {.id, .strategy, .surface, .at, .userId, .experimentId, .variant, .size} AS list,
       COLLECT { MATCH (l)-[s:SHOWED]->(p:Product) RETURN p.id ORDER BY s.position } AS showed,
       COLLECT { MATCH (l)-[:CLICKED]->(p:Product) RETURN p.id ORDER BY p.id } AS clicked
