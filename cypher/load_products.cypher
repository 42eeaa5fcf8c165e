// Load products: creates or updates each product by id with its categories (IN_CATEGORY), brand (MADE_BY)
// and tags (TAGGED), dropping category, brand and tag edges the source no longer has. Categories exist already.
// The loaders and PUT /api/v1/products/{id} both write products with this statement, so a product from either
// has the links the content candidate walks read (same_category_brand_tag) at once.
// avgRating/ratingCount are set only when the row carries them (ratingCount not null), so ratings the shop
// gathered survive a reload; createdAt keeps its old value when the row has none.
// Parameters: $rows, a list of {id, name, description, price, currency (ISO 4217 code|null), imageUrl,
//   brand (string|null), avgRating (float|null), ratingCount (int|null), createdAt (epoch millis|null),
//   categoryPath (string, e.g. 'Home & Kitchen > Mugs & Cups'), categoryIds: [string], tags: [string]}
// Columns: none (a write)
// Writes: Product nodes, IN_CATEGORY, MADE_BY (and Brand nodes), TAGGED (and Tag nodes).
// Example: $rows = [{id: '85123A', name: 'White Hanging Heart T-Light Holder', price: 2.55, currency: 'GBP',
//   brand: null, categoryIds: ['lights-candles--candle-holders'],
//   categoryPath: 'Lights & Candles > Candle Holders', tags: [], ...}]
UNWIND $rows AS row
MERGE (product:Product {id: row.id})
SET product.name = row.name,
    product.description = row.description,
    product.price = row.price,
    product.currency = row.currency,
    product.imageUrl = row.imageUrl,
    product.brand = row.brand,
    product.categoryPath = row.categoryPath,
    product.avgRating = CASE WHEN row.ratingCount IS NULL THEN product.avgRating ELSE row.avgRating END,
    product.ratingCount = coalesce(row.ratingCount, product.ratingCount, 0),
    product.createdAt = CASE WHEN row.createdAt IS NULL THEN coalesce(product.createdAt, datetime())
                             ELSE datetime({epochMillis: row.createdAt}) END
WITH product, row
CALL (product, row) {
  MATCH (product)-[stale:IN_CATEGORY]->(old:Category)
  WHERE NOT old.id IN row.categoryIds
  DELETE stale
}
CALL (product, row) {
  UNWIND row.categoryIds AS categoryId
  MATCH (category:Category {id: categoryId})
  MERGE (product)-[:IN_CATEGORY]->(category)
}
CALL (product, row) {
  MATCH (product)-[stale:MADE_BY|TAGGED]->(old)
  WHERE (old:Brand AND old.name <> coalesce(row.brand, ''))
     OR (old:Tag AND NOT old.name IN row.tags)
  DELETE stale
}
CALL (product, row) {
  WITH row WHERE row.brand IS NOT NULL
  MERGE (brand:Brand {name: row.brand})
  MERGE (product)-[:MADE_BY]->(brand)
}
CALL (product, row) {
  UNWIND row.tags AS tagName
  MERGE (tag:Tag {name: tagName})
  MERGE (product)-[:TAGGED]->(tag)
}
