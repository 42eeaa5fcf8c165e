// The Cypher library's test graph: added to the web tests' fixture shop (tests/webapp/fixtures/shop.cypher), so
// that every read query's `// Example:` call in cypher/ finds something: the ids the examples name (customer 12347,
// trained edges of 85123A, token 3f9a0c1d2e4b, rule r-xmas, experiment x-multi, list 5d0c...), embeddings for the
// vector index, and activity in late 2011 and in 2024. Statements are separated by semicolons.

MATCH (white:Product {id: '85123A'}), (red:Product {id: '21733'}), (lantern:Product {id: '71053'}),
      (stand:Product {id: '22423'}), (green:Product {id: '22697'}), (tins:Product {id: '22720'})
MERGE (white)-[:SIMILAR_TO {score: 0.9, model: 'tfidf'}]->(red)
MERGE (white)-[:SIMILAR_TO {score: 0.4, model: 'tfidf'}]->(lantern)
MERGE (white)-[:BOUGHT_WITH {score: 0.8, model: 'cooc'}]->(red)
MERGE (stand)-[:BOUGHT_WITH {score: 0.6, model: 'cooc'}]->(green)
MERGE (stand)-[:PREDICTS {score: 0.3, model: 'item_regression', version: '20240101T000000Z'}]->(green)
MERGE (white)-[:PREDICTS {score: -0.1, model: 'item_regression', version: '20240101T000000Z'}]->(green)
MERGE (heart:Tag {name: 'heart'})
MERGE (white)-[:TAGGED]->(heart)
MERGE (red)-[:TAGGED]->(heart)
MERGE (v:ModelVersion {version: '20240101T000000Z'})
SET v.publishedAt = datetime('2024-01-01T00:00:00Z'), v.models = ['tfidf', 'cooc'], v.similarTo = 2, v.boughtWith = 2,
    v.productVectors = 12, v.userVectors = 1;

// Every product gets a 64-d embedding pointing mostly along its own axis.
MATCH (p:Product)
WITH p ORDER BY p.id
WITH collect(p) AS products
UNWIND range(0, size(products) - 1) AS i
WITH products[i] AS p, i
SET p.embedding = [axis IN range(0, 63) | CASE WHEN axis = i THEN 1.0 ELSE 0.05 END];

// Customer 12347: orders in December 2011 (one holding the hearts), a rating, a like, a view and a cart line.
MATCH (white:Product {id: '85123A'}), (stand:Product {id: '22423'}), (lantern:Product {id: '71053'}),
      (red:Product {id: '21733'}), (tins:Product {id: '22720'})
CREATE (u:User {id: '12347', name: 'Customer 12347', role: 'shopper', createdAt: datetime('2010-12-07T14:57:00Z'),
                embedding: [axis IN range(0, 63) | CASE WHEN axis = 0 THEN 1.0 ELSE 0.05 END]})
CREATE (u)-[:PLACED]->(o1:Order {id: '573511', at: datetime('2011-10-31T12:25:00Z')})
CREATE (o1)-[:CONTAINS {quantity: 12, price: 2.55}]->(white)
CREATE (u)-[:PLACED]->(o2:Order {id: '581180', at: datetime('2011-12-07T15:52:00Z')})
CREATE (o2)-[:CONTAINS {quantity: 2, price: 12.75}]->(stand)
CREATE (o2)-[:CONTAINS {quantity: 6, price: 2.55}]->(white)
CREATE (u)-[:PURCHASED {count: 2, quantity: 18, at: o2.at}]->(white)
CREATE (u)-[:PURCHASED {count: 1, quantity: 2, at: o2.at}]->(stand)
CREATE (u)-[:RATED {rating: 5, at: datetime('2011-12-08T10:00:00Z')}]->(stand)
CREATE (u)-[:LIKED {at: datetime('2011-12-08T10:05:00Z')}]->(lantern)
CREATE (u)-[:VIEWED {count: 3, at: datetime('2011-12-08T10:10:00Z')}]->(red)
CREATE (u)-[:ADDED_TO_CART {quantity: 1, at: datetime('2011-12-08T10:20:00Z')}]->(tins);

// Customer 17850 has an opinion, a view and a cart line too.
MATCH (c:User {id: '17850'}), (stand:Product {id: '22423'}), (green:Product {id: '22697'}), (tins:Product {id: '22720'})
CREATE (c)-[:RATED {rating: 4, at: datetime('2011-12-01T09:00:00Z')}]->(stand)
CREATE (c)-[:VIEWED {count: 1, at: datetime('2011-12-01T09:05:00Z')}]->(green)
CREATE (c)-[:ADDED_TO_CART {quantity: 2, at: datetime('2011-12-01T09:10:00Z')}]->(tins);

// What the app writes about itself: a token, a visitors' tally, a rule, an experiment and a list it served.
CREATE (:ApiToken {id: '3f9a0c1d2e4b', hash: 'not a real hash', role: 'merchandiser', name: 'library test',
                   createdAt: datetime('2024-01-01T00:00:00Z')})
CREATE (:ListTally {id: '0b9a4c7e2d1f4a6b8c3e5d7f9a1b2c4d', day: date('2024-06-01'), surface: 'home', strategy: 'trending',
                   lists: 40, impressions: 480, clicks: 3})
WITH 1 AS one
MATCH (christmas:Category {id: 'christmas'})
CREATE (r:Rule {id: 'r-xmas', kind: 'pin', weight: 1.0, active: true, createdAt: datetime('2011-11-20T00:00:00Z'),
                note: 'Christmas'})-[:TARGETS]->(christmas)
CREATE (:Experiment {id: 'x-multi', name: 'Multi against hybrid', strategyA: 'hybrid', strategyB: 'multi',
                     active: true, createdAt: datetime('2024-05-01T00:00:00Z'),
                     startedAt: datetime('2024-05-01T00:00:00Z')});

MATCH (u:User {id: '12347'}), (stand:Product {id: '22423'}), (green:Product {id: '22697'})
CREATE (l:RecommendationList {id: '5d0c6e2a9b8f4e1d8c7b6a5f4e3d2c1b', strategy: 'multi', surface: 'home',
                              at: datetime('2024-06-01T10:00:00Z'), userId: '12347', experimentId: 'x-multi',
                              variant: 'B', size: 2})
CREATE (l)-[:SHOWED {position: 1}]->(green)
CREATE (l)-[:SHOWED {position: 2}]->(stand)
CREATE (l)-[:CLICKED {at: datetime('2024-06-01T10:01:00Z'), count: 1}]->(green)
CREATE (u)-[:PLACED]->(o:Order {id: 'shop-1', at: datetime('2024-06-01T10:05:00Z')})
CREATE (o)-[:CONTAINS {quantity: 1, price: 2.95}]->(green)
