"""interactions_from_graph reads what the models learn from out of a real Neo4j graph."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from shopgraph.models.data import EVENT_WEIGHTS, interactions_from_graph

FIXTURE = """
CREATE (home:Category {id: 'home', name: 'Home'})
CREATE (kitchen:Category {id: 'kitchen', name: 'Kitchen'})
CREATE (garden:Category {id: 'garden', name: 'Garden'})
CREATE (home)-[:PARENT_OF]->(kitchen), (home)-[:PARENT_OF]->(garden)
CREATE (teapot:Product {id: 'k1', name: 'Red teapot', description: 'A red teapot.', price: 12.5})
CREATE (mug:Product {id: 'k2', name: 'Red mug', price: 4.0})
CREATE (trowel:Product {id: 'g1', name: 'Trowel', price: 6.0})
CREATE (unsold:Product {id: 'g2', name: 'Rake'})
CREATE (teapot)-[:IN_CATEGORY]->(kitchen), (mug)-[:IN_CATEGORY]->(kitchen), (trowel)-[:IN_CATEGORY]->(garden),
       (unsold)-[:IN_CATEGORY]->(garden)
CREATE (acme:Brand {name: 'Acme'}), (teapot)-[:MADE_BY]->(acme)
CREATE (tea:Tag {name: 'tea'}), (teapot)-[:TAGGED]->(tea)
CREATE (ann:User {id: 'ann'}), (bob:User {id: 'bob'}), (idle:User {id: 'idle'})
CREATE (o1:Order {id: 'o1', at: datetime('2024-01-02T10:00:00Z')}),
       (o2:Order {id: 'o2', at: datetime('2024-01-09T10:00:00Z')})
CREATE (ann)-[:PLACED]->(o1), (ann)-[:PLACED]->(o2)
CREATE (o1)-[:CONTAINS {quantity: 2, price: 12.5}]->(teapot), (o1)-[:CONTAINS {quantity: 1, price: 4.0}]->(mug),
       (o2)-[:CONTAINS {quantity: 1, price: 12.0}]->(teapot)
CREATE (ann)-[:PURCHASED {count: 2, quantity: 3, at: datetime('2024-01-09T10:00:00Z')}]->(teapot)
CREATE (bob)-[:RATED {rating: 4.0, at: datetime('2024-01-03T08:00:00Z')}]->(teapot)
CREATE (bob)-[:LIKED {at: datetime('2024-01-04T08:00:00Z')}]->(trowel)
CREATE (bob)-[:DISLIKED {at: datetime('2024-01-05T08:00:00Z')}]->(mug)
CREATE (bob)-[:ADDED_TO_CART {quantity: 1, at: datetime('2024-01-06T08:00:00Z')}]->(trowel)
CREATE (ann)-[:VIEWED {count: 3, at: datetime('2024-01-07T08:00:00Z')}]->(trowel)
"""


@pytest.fixture
def shop_graph(graph):
    graph.write(FIXTURE)
    return graph


def test_every_kind_of_interaction_is_read_with_its_weight(shop_graph):
    interactions = interactions_from_graph(shop_graph)
    assert list(interactions.product_ids) == ["g1", "g2", "k1", "k2"], "every product, bought or not"
    assert list(interactions.user_ids) == ["ann", "bob"], "shoppers with interactions"
    matrix = interactions.matrix.toarray()
    ann, bob = interactions.user_index["ann"], interactions.user_index["bob"]
    p = interactions.product_index
    assert matrix[ann, p["k1"]] == pytest.approx(2 * EVENT_WEIGHTS["purchase"]), "two orders with the teapot"
    assert matrix[ann, p["k2"]] == pytest.approx(EVENT_WEIGHTS["purchase"])
    assert matrix[ann, p["g1"]] == pytest.approx(EVENT_WEIGHTS["view"])
    assert matrix[bob, p["k1"]] == pytest.approx(EVENT_WEIGHTS["rate"])
    assert matrix[bob, p["g1"]] == pytest.approx(EVENT_WEIGHTS["like"] + EVENT_WEIGHTS["cart"])
    assert matrix[bob, p["k2"]] == 0.0 and interactions.disliked[bob, p["k2"]] == 1.0
    assert interactions.orders[ann, p["k1"]] == 2


def test_events_keep_their_times_orders_and_prices(shop_graph):
    events = interactions_from_graph(shop_graph).events
    purchases = events[events["type"] == "purchase"].sort_values(["timestamp", "order_id"])
    assert sorted(purchases["order_id"].unique()) == ["o1", "o2"]
    assert purchases["timestamp"].iloc[0] == pd.Timestamp("2024-01-02 10:00:00")
    assert purchases["timestamp"].dt.tz is None
    assert set(events["type"]) == {"purchase", "rate", "like", "cart", "view"}
    assert purchases["price"].max() == pytest.approx(12.5)


def test_the_catalogue_carries_category_paths_brands_and_tags(shop_graph):
    catalog = interactions_from_graph(shop_graph).catalog.set_index("id")
    assert catalog.loc["k1", "categoryPath"] == "Home > Kitchen"
    assert catalog.loc["k1", "category"] == "Home"
    assert catalog.loc["k1", "brand"] == "Acme" and catalog.loc["k1", "tags"] == ["tea"]
    assert catalog.loc["k1", "price"] == pytest.approx(12.5)
    assert np.isnan(catalog.loc["g2", "price"])


def test_an_empty_graph_gives_empty_interactions(graph):
    interactions = interactions_from_graph(graph)
    assert interactions.n_users == 0 and interactions.events.empty
