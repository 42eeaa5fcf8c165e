"""The two evaluation protocols on tiny data."""
from __future__ import annotations

import pandas as pd

from shopgraph.models.data import Interactions
from shopgraph.models.splits import random_split, temporal_split


def _events(rows):
    return pd.DataFrame([{"user_id": u, "product_id": p, "type": t, "value": 1.0, "timestamp": pd.Timestamp(day),
                          "order_id": o, "price": 1.0} for u, p, t, day, o in rows])


PRODUCTS = pd.DataFrame({"id": ["a", "b", "c", "d", "new"], "name": list("abcd") + ["new"]})


def test_temporal_split_tests_new_products_of_known_shoppers_only():
    events = _events([
        ("ann", "a", "purchase", "2011-10-01", "1"), ("ann", "b", "purchase", "2011-10-02", "2"),
        ("bob", "c", "purchase", "2011-10-03", "3"),
        ("ann", "a", "purchase", "2011-11-02", "4"),    # bought before: not a test pair
        ("ann", "c", "purchase", "2011-11-03", "5"),    # new for ann: tested
        ("bob", "new", "purchase", "2011-11-03", "6"),  # a product nobody bought in training: not tested
        ("cat", "a", "purchase", "2011-11-04", "7"),    # a shopper unknown in training: not tested
        ("bob", "d", "view", "2011-11-05", None),       # not a purchase: not tested
    ])
    interactions = Interactions.from_events(events, PRODUCTS)
    split = temporal_split(interactions, "2011-11-01")
    index, users = interactions.product_index, interactions.user_index
    assert split.test == {users["ann"]: {index["c"]}}
    assert split.train.events["timestamp"].max() < pd.Timestamp("2011-11-01")
    assert split.train.binary[users["ann"]].nnz == 2


def test_random_split_holds_out_a_quarter_of_each_shoppers_products_reproducibly():
    rows = [(f"u{u}", p, "rate", "2020-01-01", None) for u in range(5) for p in "abcd"]
    interactions = Interactions.from_events(_events(rows), PRODUCTS)
    first = random_split(interactions, test_share=0.25, seed=42)
    again = random_split(interactions, test_share=0.25, seed=42)
    assert first.test == again.test
    assert all(len(items) == 1 for items in first.test.values()) and len(first.test) == 5
    for user, items in first.test.items():
        trained = set(first.train.binary[user].indices)
        assert len(trained) == 3 and not trained & items
    other = random_split(interactions, test_share=0.25, seed=7)
    assert other.test != first.test


def test_random_split_keeps_a_single_product_shopper_whole_in_training():
    interactions = Interactions.from_events(_events([("solo", "a", "rate", "2020-01-01", None)]), PRODUCTS)
    split = random_split(interactions, test_share=0.25, seed=42)
    assert split.test == {}
    assert split.train.binary.nnz == 1
