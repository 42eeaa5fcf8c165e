// Every interaction the models learn from, one row per event: a purchase per order line, then ratings,
// likes, dislikes, cart additions and views (the user-level edges), each with its time.
// Parameters: none.
// Columns: user_id, product_id, type ('purchase'|'rate'|'like'|'dislike'|'cart'|'view'), value (quantity,
//   rating or view count; null for likes and dislikes), timestamp (datetime), order_id (purchases only), price
// Example: shopgraph cypher training_interactions --json
MATCH (user:User)-[:PLACED]->(order:Order)-[line:CONTAINS]->(product:Product)
RETURN user.id AS user_id, product.id AS product_id, 'purchase' AS type, toFloat(line.quantity) AS value,
       order.at AS timestamp, order.id AS order_id, toFloat(line.price) AS price
UNION ALL
MATCH (user:User)-[rated:RATED]->(product:Product)
RETURN user.id AS user_id, product.id AS product_id, 'rate' AS type, toFloat(rated.rating) AS value,
       rated.at AS timestamp, null AS order_id, null AS price
UNION ALL
MATCH (user:User)-[liked:LIKED]->(product:Product)
RETURN user.id AS user_id, product.id AS product_id, 'like' AS type, null AS value,
       liked.at AS timestamp, null AS order_id, null AS price
UNION ALL
MATCH (user:User)-[disliked:DISLIKED]->(product:Product)
RETURN user.id AS user_id, product.id AS product_id, 'dislike' AS type, null AS value,
       disliked.at AS timestamp, null AS order_id, null AS price
UNION ALL
MATCH (user:User)-[cart:ADDED_TO_CART]->(product:Product)
RETURN user.id AS user_id, product.id AS product_id, 'cart' AS type, toFloat(cart.quantity) AS value,
       cart.at AS timestamp, null AS order_id, null AS price
UNION ALL
MATCH (user:User)-[viewed:VIEWED]->(product:Product)
RETURN user.id AS user_id, product.id AS product_id, 'view' AS type, toFloat(viewed.count) AS value,
       viewed.at AS timestamp, null AS order_id, null AS price
