// How many products the catalogue holds (for paging).
// Parameters: none
// Columns: total (int)
// Example: shopgraph cypher count_products
MATCH (p:Product)
RETURN count(p) AS total
