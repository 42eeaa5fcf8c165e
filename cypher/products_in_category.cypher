// Which of some products are filed in a category or in a category below it: what a recommendation list filtered
// by category keeps. One read for a whole list, whatever path made it (stored, cached or live).
// Parameters: categoryId (string), productIds (list of strings)
// Columns: productId (string)
// Example: shopgraph cypher products_in_category -p categoryId='"kitchen"' -p productIds='["22697", "22423", "85123A"]'
MATCH (top:Category {id: $categoryId})
UNWIND $productIds AS productId
MATCH (p:Product {id: productId})
WHERE EXISTS { (p)-[:IN_CATEGORY]->(:Category)<-[:PARENT_OF*0..]-(top) }
RETURN DISTINCT p.id AS productId
