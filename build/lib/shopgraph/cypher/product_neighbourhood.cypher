// A product's neighbourhood in the graph, for a picture: its categories (with their parents), brand and tags, its
// strongest trained SIMILAR_TO and BOUGHT_WITH neighbours (of the live model version, as serving reads them), its
// most loyal buyers and the rules aimed at it.
// Parameters: productId (string), limit (int: neighbours, tags and buyers kept per kind)
// Columns: product (map: id, name, price), categories (list of {id, name, parent: {id, name} or null}),
//          brands (list of names), tags (list of names), similar, boughtWith (lists of {id, name, score}),
//          buyers (list of {id, name, orders}), rules (list of {id, kind, active}); no row for an unknown product
// Example: shopgraph cypher product_neighbourhood -p productId='"85123A"' -p limit=6
WITH head(COLLECT { MATCH (v:ModelVersion) WHERE v.publishedAt IS NOT NULL
                    RETURN v ORDER BY v.publishedAt DESC LIMIT 1 }) AS live
MATCH (p:Product {id: $productId})
WITH p, coalesce(live.similarToVersion, live.version) AS similarToVersion,
     coalesce(live.boughtWithVersion, live.version) AS boughtWithVersion
RETURN p {.id, .name, .price} AS product,
       [(p)-[:IN_CATEGORY]->(c:Category) |
          c {.id, .name, parent: head([(up:Category)-[:PARENT_OF]->(c) | up {.id, .name}])}] AS categories,
       [(p)-[:MADE_BY]->(b:Brand) | b.name] AS brands,
       [(p)-[:TAGGED]->(t:Tag) | t.name][..$limit] AS tags,
       COLLECT { MATCH (p)-[s:SIMILAR_TO]->(q:Product) WHERE s.version IS NULL OR s.version = similarToVersion
                 WITH q, s ORDER BY s.score DESC, q.id LIMIT $limit
                 RETURN q {.id, .name, score: s.score} } AS similar,
       COLLECT { MATCH (p)-[s:BOUGHT_WITH]->(q:Product) WHERE s.version IS NULL OR s.version = boughtWithVersion
                 WITH q, s ORDER BY s.score DESC, q.id LIMIT $limit
                 RETURN q {.id, .name, score: s.score} } AS boughtWith,
       COLLECT { MATCH (u:User)-[b:PURCHASED]->(p)
                 WITH u, b ORDER BY b.count DESC, b.at DESC, u.id LIMIT $limit
                 RETURN u {.id, .name, orders: b.count} } AS buyers,
       [(r:Rule)-[:TARGETS]->(p) | r {.id, .kind, .active}] AS rules
