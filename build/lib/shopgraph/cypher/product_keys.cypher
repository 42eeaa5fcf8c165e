// Product keys: the element id of each named product that exists. The bulky load statements take these
// keys with their rows and find each product by its node, rather than seeking (and share-locking) the
// unique index on Product.id once per edge: a fifth of those statements' work.
// Parameters: $ids, a list of product ids
// Columns: id, key (the product's elementId)
// Example: shopgraph cypher product_keys -p 'ids=["85123A", "22423"]'
UNWIND $ids AS id
MATCH (product:Product {id: id})
RETURN id, elementId(product) AS key
