// Product cards for a list of ids, in the order given; ids that name no product are left out.
// Parameters: productIds (list of strings)
// Columns: product (map: id, name, price, currency, imageUrl, brand, avgRating, ratingCount)
// Example: shopgraph cypher products_by_ids -p productIds='["22423", "85123A"]'
UNWIND range(0, size($productIds) - 1) AS position
MATCH (p:Product {id: $productIds[position]})
RETURN p {.id, .name, .price, .currency, .imageUrl, .brand, .avgRating, .ratingCount} AS product
ORDER BY position
