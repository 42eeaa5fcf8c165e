"""The two evaluation protocols on tiny data."""
from __future__ import annotations

import pandas as pd

from shopgraph.models.data import Interactions
from shopgraph.models.generators import carve_validation, validation_cutoff
from shopgraph.models.splits import random_split, temporal_split
from shopgraph.models.training import validation_for


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


def test_a_cutoff_after_the_last_purchase_holds_out_nothing():
    events = _events([("ann", "a", "purchase", "2011-10-01", "1"), ("bob", "b", "purchase", "2011-10-02", "2")])
    split = temporal_split(Interactions.from_events(events, PRODUCTS), "2012-01-01")
    assert split.test == {}
    assert split.train.binary.nnz == 2


def test_training_holds_out_the_last_month_of_sales_though_likes_came_years_later():
    # A shop whose last sale was in 2011 and whose shoppers have only liked things since: the validation month is
    # the month before the last sale, not the month before the last like (which holds no purchase to tune on).
    rows = [(f"u{u}", p, "purchase", f"2011-{month:02d}-{1 + u:02d}", f"{u}-{month}")
            for u in range(4) for month, p in ((8, "a"), (9, "b"), (10, "c"), (11, "d"))]
    rows += [("early", "d", "purchase", "2011-08-20", "e")]  # so that d is a product known before the month
    rows += [(f"u{u}", "new", "like", "2026-11-30", None) for u in range(4)]
    interactions = Interactions.from_events(_events(rows), PRODUCTS)
    spec = validation_for(interactions)
    assert spec == {"kind": "temporal", "days": 30}
    assert validation_cutoff(interactions, spec) == pd.Timestamp("2011-11-04") - pd.Timedelta(days=30)
    split = carve_validation(interactions, spec)
    index = interactions.product_index
    assert split.test == {interactions.user_index[f"u{u}"]: {index["d"]} for u in range(4)}


def test_training_tunes_on_a_random_quarter_when_the_last_month_sold_nothing_new():
    # Every purchase of the last month is a product the shopper bought before: nothing to tune on there.
    rows = [(f"u{u}", p, "purchase", f"2011-{month:02d}-{1 + u:02d}", f"{u}-{month}")
            for u in range(4) for month, p in ((8, "a"), (9, "b"), (10, "c"), (11, "c"))]
    assert validation_for(Interactions.from_events(_events(rows), PRODUCTS)) == {"kind": "random", "share": 0.25}
