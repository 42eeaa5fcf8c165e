// How many products a category and the categories below it hold (for paging).
// Parameters: categoryId (string)
// Columns: total (int)
// Example: shopgraph cypher count_category_products -p categoryId='"kitchen"'
MATCH (:Category {id: $categoryId})-[:PARENT_OF*0..]->(:Category)<-[:IN_CATEGORY]-(p:Product)
RETURN count(DISTINCT p) AS total
