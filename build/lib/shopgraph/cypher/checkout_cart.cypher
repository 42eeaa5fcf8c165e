// Reads a shopper's cart for checkout while holding the shopper's write lock, with their latest order of the
// last $recentSeconds. Taking the lock first makes concurrent checkouts of one cart queue here: each reads
// the cart only after the one before it has committed and emptied it, so a cart is ordered exactly once, and
// the later ones see an empty cart and the order just placed.
// Parameters: userId (string), recentSeconds (int)
// Columns: lines (list of {productId, quantity}), recentOrder (string or null: the id of the latest order)
// Writes: nothing lasting (sets and removes a property to take the lock). No row for an unknown shopper.
MATCH (u:User {id: $userId})
SET u.checkoutLock = true
REMOVE u.checkoutLock
WITH u, [(u)-[c:ADDED_TO_CART]->(p:Product) | {productId: p.id, quantity: c.quantity}] AS lines
OPTIONAL MATCH (u)-[:PLACED]->(o:Order)
  WHERE o.at >= datetime() - duration({seconds: $recentSeconds})
WITH lines, o ORDER BY o.at DESC
RETURN lines, head(collect(o.id)) AS recentOrder
