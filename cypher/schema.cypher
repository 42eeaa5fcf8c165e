// The schema: a uniqueness constraint on every key in the graph model, the full-text index behind
// product search and the vector indexes behind embedding search. Every statement is IF NOT EXISTS,
// so applying it again changes nothing.
// Parameters: none. Applied by `shopgraph load`, `shopgraph demo` and the account commands (`shopgraph user`, `token`).
// Writes: constraints and indexes (several statements; applied by Graph.apply_schema, not by `shopgraph cypher`).

CREATE CONSTRAINT product_id IF NOT EXISTS FOR (p:Product) REQUIRE p.id IS UNIQUE;
CREATE CONSTRAINT category_id IF NOT EXISTS FOR (c:Category) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT brand_name IF NOT EXISTS FOR (b:Brand) REQUIRE b.name IS UNIQUE;
CREATE CONSTRAINT tag_name IF NOT EXISTS FOR (t:Tag) REQUIRE t.name IS UNIQUE;
CREATE CONSTRAINT user_id IF NOT EXISTS FOR (u:User) REQUIRE u.id IS UNIQUE;
CREATE CONSTRAINT user_email IF NOT EXISTS FOR (u:User) REQUIRE u.email IS UNIQUE;
CREATE CONSTRAINT order_id IF NOT EXISTS FOR (o:Order) REQUIRE o.id IS UNIQUE;
CREATE CONSTRAINT rule_id IF NOT EXISTS FOR (r:Rule) REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT api_token_id IF NOT EXISTS FOR (t:ApiToken) REQUIRE t.id IS UNIQUE;
CREATE CONSTRAINT sign_in_guard_email IF NOT EXISTS FOR (g:SignInGuard) REQUIRE g.email IS UNIQUE;
CREATE CONSTRAINT recommendation_list_id IF NOT EXISTS FOR (l:RecommendationList) REQUIRE l.id IS UNIQUE;
CREATE CONSTRAINT experiment_id IF NOT EXISTS FOR (e:Experiment) REQUIRE e.id IS UNIQUE;
CREATE CONSTRAINT model_version_version IF NOT EXISTS FOR (v:ModelVersion) REQUIRE v.version IS UNIQUE;

CREATE INDEX product_created IF NOT EXISTS FOR (p:Product) ON (p.createdAt);
CREATE INDEX product_price IF NOT EXISTS FOR (p:Product) ON (p.price);
CREATE INDEX category_name IF NOT EXISTS FOR (c:Category) ON (c.name);
CREATE INDEX order_at IF NOT EXISTS FOR (o:Order) ON (o.at);
// Every served list is logged (MERGEd by id, above); reports read them by time and by experiment, and erasing a
// shopper finds theirs by user.
CREATE INDEX recommendation_list_at IF NOT EXISTS FOR (l:RecommendationList) ON (l.at);
CREATE INDEX recommendation_list_experiment IF NOT EXISTS FOR (l:RecommendationList) ON (l.experimentId);
CREATE INDEX recommendation_list_user IF NOT EXISTS FOR (l:RecommendationList) ON (l.userId);

CREATE FULLTEXT INDEX product_text IF NOT EXISTS
FOR (p:Product) ON EACH [p.name, p.description, p.brand, p.categoryPath]
OPTIONS { indexConfig: { `fulltext.analyzer`: 'english' } };

CREATE VECTOR INDEX product_embedding IF NOT EXISTS
FOR (p:Product) ON (p.embedding)
OPTIONS { indexConfig: { `vector.dimensions`: 64, `vector.similarity_function`: 'cosine' } };

CREATE VECTOR INDEX user_embedding IF NOT EXISTS
FOR (u:User) ON (u.embedding)
OPTIONS { indexConfig: { `vector.dimensions`: 64, `vector.similarity_function`: 'cosine' } };

// A model version's vectors are written beside the live version's (models/publish.py): in slot 1 (embedding, mf,
// the indexes above) or slot 2 (embedding2, mf2, these), whichever the live version does not use.
CREATE VECTOR INDEX product_embedding_2 IF NOT EXISTS
FOR (p:Product) ON (p.embedding2)
OPTIONS { indexConfig: { `vector.dimensions`: 64, `vector.similarity_function`: 'cosine' } };

CREATE VECTOR INDEX user_embedding_2 IF NOT EXISTS
FOR (u:User) ON (u.embedding2)
OPTIONS { indexConfig: { `vector.dimensions`: 64, `vector.similarity_function`: 'cosine' } };

// The live model version is the newest published one; every serving read of trained edges or vectors looks it
// up through this index. One training at a time publishes, holding the PublishLock node.
CREATE INDEX model_version_published IF NOT EXISTS FOR (v:ModelVersion) ON (v.publishedAt);
CREATE CONSTRAINT publish_lock_id IF NOT EXISTS FOR (l:PublishLock) REQUIRE l.id IS UNIQUE;
// Visitors' lists are counted per day, surface and strategy (record_list_tallies); a click finds its tally by id.
CREATE CONSTRAINT list_tally_id IF NOT EXISTS FOR (t:ListTally) REQUIRE t.id IS UNIQUE;
CREATE INDEX list_tally_day IF NOT EXISTS FOR (t:ListTally) ON (t.day);

// Idempotency-Key answers (POST /api/v1/events, POST /checkout): one node per caller and key; the expiry
// index lets the cleanup that runs as keys are written find the expired ones.
CREATE CONSTRAINT idempotency_key_id IF NOT EXISTS FOR (k:IdempotencyKey) REQUIRE k.id IS UNIQUE;
CREATE INDEX idempotency_key_expires IF NOT EXISTS FOR (k:IdempotencyKey) ON (k.expiresAt);
