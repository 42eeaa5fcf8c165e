"""A tiny shop written straight into the graph for the serving tests: every node and edge kind the
recommendation service reads, small enough to reason about by hand.

Departments Home (Kitchen, Garden) and Gifts (Cards, Toys), four products per aisle:
  kitchen k1-k4, garden g1-g4, cards c1-c4, toys t1-t4 (k1, k2, k4 by Acme; teapots tagged "tea").
Shoppers and their orders (days before ``NOW``):
  bob    o1 (30) k1 k3 c1    o2 (10) t2 t3
  carol  o3 (20) k1 k3 k4    o4 (5)  t2 t3 t4
  dave   o5 (15) g1 g2 g3    o6 (3)  g1 g4
  erin   o7 (8)  k2 k3       o8 (2)  c1 c2
  frank  o9 (1)  t1 t4       o10 (4) k1 k4
  alice  o11 (12) k1 k2      o12 (6) k1 c3     -> k1 bought twice (a repeat), k2 and c3 once; alice likes c2
  browser: no orders, viewed g2 and g3;   newbie: nothing at all.
Trained edges are hand-written: SIMILAR_TO within aisles, BOUGHT_WITH for kitchen, garden and cards; t2 has
NO trained BOUGHT_WITH edges, so "bought with t2" can only come from the live basket traversal.
Vectors: 64-d embeddings and 8-d MF factors clustered by aisle; users get the mean of their products'.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import numpy as np

NOW = datetime(2024, 1, 31, 12, 0, tzinfo=UTC)

CATEGORIES = [
    {"id": "home", "name": "Home", "parentId": None},
    {"id": "gifts", "name": "Gifts", "parentId": None},
    {"id": "kitchen", "name": "Kitchen", "parentId": "home"},
    {"id": "garden", "name": "Garden", "parentId": "home"},
    {"id": "cards", "name": "Cards", "parentId": "gifts"},
    {"id": "toys", "name": "Toys", "parentId": "gifts"},
]

_NAMES = {
    "k1": "Red teapot", "k2": "Blue teapot", "k3": "Tea towel", "k4": "Red mug",
    "g1": "Watering can", "g2": "Trowel", "g3": "Seed tray", "g4": "Garden gloves",
    "c1": "Birthday card", "c2": "Thank you card", "c3": "Christmas card", "c4": "Wrapping paper",
    "t1": "Spinning top", "t2": "Kite", "t3": "Kite string", "t4": "Yo-yo",
}
AISLE = {"k": "kitchen", "g": "garden", "c": "cards", "t": "toys"}
BRANDS = {"k1": "Acme", "k2": "Acme", "k4": "Acme", "k3": "Linenco"}
TAGS = {"k1": ["tea", "red"], "k2": ["tea", "blue"], "k3": ["tea"], "k4": ["red"]}

PRODUCTS = [
    {"id": pid, "name": name, "description": f"A {name.lower()}.", "price": 2.5 + i,
     "categoryId": AISLE[pid[0]], "brand": BRANDS.get(pid), "tags": TAGS.get(pid, [])}
    for i, (pid, name) in enumerate(_NAMES.items())
]

ORDERS = [
    ("o1", "bob", 30, ["k1", "k3", "c1"]), ("o2", "bob", 10, ["t2", "t3"]),
    ("o3", "carol", 20, ["k1", "k3", "k4"]), ("o4", "carol", 5, ["t2", "t3", "t4"]),
    ("o5", "dave", 15, ["g1", "g2", "g3"]), ("o6", "dave", 3, ["g1", "g4"]),
    ("o7", "erin", 8, ["k2", "k3"]), ("o8", "erin", 2, ["c1", "c2"]),
    ("o9", "frank", 1, ["t1", "t4"]), ("o10", "frank", 4, ["k1", "k4"]),
    ("o11", "alice", 12, ["k1", "k2"]), ("o12", "alice", 6, ["k1", "c3"]),
]
USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "browser", "newbie"]
LIKES = [("alice", "c2", 7)]
VIEWS = [("browser", "g2", 1), ("browser", "g3", 1)]

SIMILAR_TO = [("k1", "k2", 0.9), ("k2", "k1", 0.9), ("k1", "k4", 0.5), ("k3", "k1", 0.3), ("g1", "g4", 0.6),
              ("g2", "g3", 0.5), ("t2", "t3", 0.7), ("c1", "c2", 0.8), ("c2", "c1", 0.8), ("c3", "c4", 0.6)]
BOUGHT_WITH = [("k1", "k3", 0.8), ("k3", "k1", 0.8), ("k1", "k4", 0.4), ("k2", "k3", 0.5), ("g1", "g2", 0.7),
               ("g1", "g4", 0.6), ("c1", "c2", 0.5), ("c3", "k1", 0.3)]


def _unit(vector: np.ndarray) -> list[float]:
    return (vector / np.linalg.norm(vector)).astype(float).tolist()


def product_vectors(dims: int, seed: int) -> dict[str, np.ndarray]:
    """Products of one aisle point the same way, with a little noise."""
    rng = np.random.default_rng(seed)
    centres = {aisle: rng.normal(size=dims) for aisle in AISLE.values()}
    return {p["id"]: centres[p["categoryId"]] + 0.3 * rng.normal(size=dims) for p in PRODUCTS}


def build_shop(graph, with_vectors: bool = True, with_trained_edges: bool = True) -> None:
    """Write the shop described in the module docstring into an empty graph."""
    graph.write(
        "UNWIND $categories AS row MERGE (c:Category {id: row.id}) SET c.name = row.name "
        "WITH c, row WHERE row.parentId IS NOT NULL "
        "MATCH (parent:Category {id: row.parentId}) MERGE (parent)-[:PARENT_OF]->(c)",
        categories=CATEGORIES)
    graph.write(
        "UNWIND $products AS row MERGE (p:Product {id: row.id}) "
        "SET p.name = row.name, p.description = row.description, p.price = row.price, p.brand = row.brand "
        "WITH p, row MATCH (c:Category {id: row.categoryId}) MERGE (p)-[:IN_CATEGORY]->(c) "
        "WITH p, row CALL (p, row) { WITH p, row WHERE row.brand IS NOT NULL "
        "  MERGE (b:Brand {name: row.brand}) MERGE (p)-[:MADE_BY]->(b) } "
        "WITH p, row UNWIND row.tags AS tag MERGE (t:Tag {name: tag}) MERGE (p)-[:TAGGED]->(t)",
        products=PRODUCTS)
    graph.write("UNWIND $users AS id MERGE (u:User {id: id}) SET u.name = id", users=USERS)
    orders = [{"id": oid, "userId": user, "at": NOW - timedelta(days=days), "items": items}
              for oid, user, days, items in ORDERS]
    graph.write(
        "UNWIND $orders AS row MATCH (u:User {id: row.userId}) "
        "MERGE (u)-[:PLACED]->(o:Order {id: row.id}) SET o.at = row.at "
        "WITH o, row UNWIND row.items AS item MATCH (p:Product {id: item}) "
        "MERGE (o)-[c:CONTAINS]->(p) SET c.quantity = 1, c.price = p.price",
        orders=orders)
    rollup: dict[tuple[str, str], dict] = defaultdict(lambda: {"count": 0, "at": None})
    for order in orders:
        for item in order["items"]:
            entry = rollup[(order["userId"], item)]
            entry["count"] += 1
            entry["at"] = max(entry["at"] or order["at"], order["at"])
    graph.write(
        "UNWIND $rows AS row MATCH (u:User {id: row.userId}), (p:Product {id: row.productId}) "
        "MERGE (u)-[r:PURCHASED]->(p) SET r.count = row.count, r.quantity = row.count, r.at = row.at",
        rows=[{"userId": u, "productId": p, **v} for (u, p), v in rollup.items()])
    graph.write(
        "UNWIND $rows AS row MATCH (u:User {id: row[0]}), (p:Product {id: row[1]}) "
        "MERGE (u)-[r:LIKED]->(p) SET r.at = row[2]",
        rows=[[u, p, NOW - timedelta(days=d)] for u, p, d in LIKES])
    graph.write(
        "UNWIND $rows AS row MATCH (u:User {id: row[0]}), (p:Product {id: row[1]}) "
        "MERGE (u)-[r:VIEWED]->(p) SET r.count = 1, r.at = row[2]",
        rows=[[u, p, NOW - timedelta(days=d)] for u, p, d in VIEWS])
    if with_trained_edges:
        write_trained_edges(graph)
    if with_vectors:
        write_vectors(graph)


def write_trained_edges(graph) -> None:
    for rel, edges, model in (("SIMILAR_TO", SIMILAR_TO, "tfidf"), ("BOUGHT_WITH", BOUGHT_WITH, "cooc")):
        graph.write(
            f"UNWIND $rows AS row MATCH (a:Product {{id: row[0]}}), (b:Product {{id: row[1]}}) "
            f"MERGE (a)-[r:{rel}]->(b) SET r.score = row[2], r.model = $model",
            rows=[list(edge) for edge in edges], model=model)


def write_vectors(graph) -> None:
    embeddings = product_vectors(64, seed=1)
    factors = product_vectors(8, seed=2)
    graph.write(
        "UNWIND $rows AS row MATCH (p:Product {id: row.id}) SET p.embedding = row.embedding, p.mf = row.mf",
        rows=[{"id": pid, "embedding": _unit(embeddings[pid]), "mf": factors[pid].astype(float).tolist()}
              for pid in embeddings])
    bought: dict[str, set[str]] = defaultdict(set)
    for _, user, _, items in ORDERS:
        bought[user].update(items)
    graph.write(
        "UNWIND $rows AS row MATCH (u:User {id: row.id}) SET u.embedding = row.embedding, u.mf = row.mf",
        rows=[{"id": user,
               "embedding": _unit(np.mean([embeddings[p] for p in items], axis=0)),
               "mf": np.mean([factors[p] for p in items], axis=0).astype(float).tolist()}
              for user, items in bought.items()])
