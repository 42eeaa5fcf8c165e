"""The served rows' parts: the shop as it stood when training ended, and served lists scored by the protocol."""
from __future__ import annotations

import json

import pandas as pd

from shopgraph import loaders
from shopgraph.models.data import Interactions
from shopgraph.models.served_evaluation import served_lists, training_tables
from shopgraph.models.splits import temporal_split
from tests.bench.tiny_shop import write_invoices

CUTOFF = pd.Timestamp("2011-08-01")


def tiny_retail_protocol(tmp_path):
    """A tiny Online Retail shop's tables, its purchases as Interactions and their temporal split."""
    tables = loaders.read("online-retail", write_invoices(tmp_path / "invoices.csv"))
    purchases = tables.events[tables.events["type"] == "purchase"]
    before = purchases[purchases["timestamp"] < CUTOFF]
    interactions = Interactions.from_events(purchases, tables.products, tables.categories,
                                            product_ids=sorted(before["product_id"].unique()),
                                            user_ids=sorted(before["user_id"].unique()))
    return tables, interactions, temporal_split(interactions, CUTOFF)


def test_the_served_shop_holds_the_training_part_only(tmp_path):
    tables, interactions, split = tiny_retail_protocol(tmp_path)

    shop = training_tables(tables, interactions, split)

    assert len(shop.events) and (shop.events["timestamp"] < CUTOFF).all()
    assert len(shop.events) == len(split.train.events)
    # every order line of the training period, with its order, quantity and price
    before = tables.events[tables.events["timestamp"] < CUTOFF]
    assert set(zip(shop.events["order_id"], shop.events["product_id"], strict=True)) == set(
        zip(before["order_id"], before["product_id"], strict=True))
    assert set(shop.products["id"]) == set(interactions.product_ids)
    assert set(shop.users["id"]) == set(shop.events["user_id"])


def test_the_served_shop_may_be_dated_to_end_now_with_its_events_as_far_apart_as_they_were(tmp_path):
    tables, interactions, split = tiny_retail_protocol(tmp_path)
    ending = pd.Timestamp("2026-12-01 10:00:00")

    as_it_was = training_tables(tables, interactions, split).events["timestamp"]
    dated = training_tables(tables, interactions, split, ending=ending).events["timestamp"]

    assert dated.max() == ending and as_it_was.max() < CUTOFF
    assert ((dated - as_it_was) == (ending - as_it_was.max())).all()


def test_served_lists_are_scored_as_the_protocol_scores_lists(tmp_path):
    tables, interactions, split = tiny_retail_protocol(tmp_path)
    user = next(iter(split.test))
    seen = split.train.binary
    taken = [interactions.product_ids[p] for p in seen.indices[seen.indptr[user]:seen.indptr[user + 1]]]
    fresh = [p for p in interactions.product_ids if p not in taken]
    served = [taken[0], fresh[0], "not-in-the-catalogue", fresh[1]]
    path = tmp_path / "served.jsonl"
    path.write_text("\n".join(json.dumps({"user_id": u, "items": [{"product_id": p} for p in items]}) for u, items in [
        (interactions.user_ids[user], served), ("a-shopper-without-a-test-part", fresh)]) + "\n")

    lists, left_out = served_lists(path, interactions, split, k=2)

    # the shopper's training product is left out (the protocol's filter), an unknown product keeps its place
    assert lists == {user: [interactions.product_index[fresh[0]], -1]}
    assert left_out == 1
