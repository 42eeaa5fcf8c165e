// A shopper's neighbourhood as paths, for the Neo4j Browser to draw: their orders with the products in them, what
// they rated, liked, disliked, viewed or have in their cart, and other shoppers who bought the same products
// (where "shoppers like you" starts). Each kind is capped at $limit paths.
// Parameters: userId (string), limit (int: paths of each kind)
// Columns: path (User-PLACED->Order-CONTAINS->Product, User-RATED|LIKED|DISLIKED|VIEWED|ADDED_TO_CART->Product,
//          or User-PURCHASED->Product<-PURCHASED-User); no row for an unknown shopper
// Example: shopgraph cypher shopper_neighbourhood -p userId='"17850"' -p limit=10
MATCH (u:User {id: $userId})
CALL (u) {
  MATCH path = (u)-[:PLACED]->(:Order)-[:CONTAINS]->(:Product)
  RETURN path LIMIT $limit
  UNION
  MATCH path = (u)-[:RATED|LIKED|DISLIKED|VIEWED|ADDED_TO_CART]->(:Product)
  RETURN path LIMIT $limit
  UNION
  MATCH path = (u)-[:PURCHASED]->(:Product)<-[:PURCHASED]-(other:User)
  WHERE other <> u
  RETURN path LIMIT $limit
}
RETURN path
