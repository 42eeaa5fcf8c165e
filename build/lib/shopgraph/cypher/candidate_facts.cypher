// What the multi ranker's product features are computed from, for some candidate products: the price, the
// interest shoppers showed (each order holding it 1, each rating and like 1, each cart 0.5, each viewer 0.2 --
// counted from relationship degrees, so a best-seller costs no more than a niche product), and when that
// interest was last shown (the latest of the first 20 orders and 20 other interactions Neo4j returns, which
// are the most recently written).
// Parameters: productIds (list of ids)
// Columns: facts (list of [productId, price, interest, lastActivity (epoch seconds or null)])
// Example: shopgraph cypher candidate_facts -p 'productIds=["85123A", "22423"]'
UNWIND $productIds AS id
MATCH (p:Product {id: id})
WITH p,
     COUNT { (p)<-[:CONTAINS]-() } + COUNT { (p)<-[:RATED]-() } + COUNT { (p)<-[:LIKED]-() }
       + 0.5 * COUNT { (p)<-[:ADDED_TO_CART]-() } + 0.2 * COUNT { (p)<-[:VIEWED]-() } AS interest,
     [(p)<-[:CONTAINS]-(o:Order) | o.at][..20] + [(p)<-[r:RATED|LIKED|ADDED_TO_CART|VIEWED]-(:User) | r.at][..20]
       AS times
RETURN collect([p.id, p.price, interest,
                reduce(latest = null, t IN times | CASE WHEN latest IS NULL OR t > latest THEN t ELSE latest END)
                  .epochSeconds]) AS facts
