"""The served rows for shoppers who just acted: who acts, with what, and what is left to find after it."""
from __future__ import annotations

import pandas as pd

from shopgraph.graph.events import Feedback
from shopgraph.models.acted_evaluation import act_event, after_acts, first_acts
from tests.models.test_served_evaluation import tiny_retail_protocol


def test_each_shopper_with_two_test_products_acts_with_their_earliest(tmp_path):
    _, interactions, split = tiny_retail_protocol(tmp_path)

    acts = first_acts(interactions, split)

    assert set(acts) == {user for user, products in split.test.items() if len(products) >= 2}
    events = interactions.events
    when = []
    for user, (product, type_, _) in acts.items():
        assert product in split.test[user] and type_ == "purchase"
        theirs = events[(events["user"] == user) & events["product"].isin(split.test[user])]
        assert theirs["timestamp"].min() == theirs[theirs["product"] == product]["timestamp"].min()
        when.append(theirs["timestamp"].min())
    assert when == sorted(when), "the shoppers act in the order their acts happened"


def test_after_the_act_only_the_other_test_products_are_to_find(tmp_path):
    _, interactions, split = tiny_retail_protocol(tmp_path)
    acts = first_acts(interactions, split)

    target = after_acts(split, acts)

    assert set(target.test) == set(acts)
    for user, (product, _, _) in acts.items():
        assert target.test[user] == split.test[user] - {product} and target.test[user]
    assert target.train is split.train


def test_an_act_is_written_as_the_api_writes_the_event(graph, tmp_path):
    from shopgraph.loaders.writer import write_tables
    from shopgraph.models.served_evaluation import training_tables

    tables, interactions, split = tiny_retail_protocol(tmp_path)
    write_tables(graph, training_tables(tables, interactions, split), reset=True, progress=False)
    acts = dict(list(first_acts(interactions, split).items())[:2])

    for user, act in acts.items():
        Feedback(graph).record(str(interactions.user_ids[user]), act_event(interactions, act))

    for user, (product, _, _) in acts.items():
        rows = graph.read("MATCH (:User {id: $user})-[:PLACED]->(o:Order)-[:CONTAINS]->(:Product {id: $product}) "
                          "RETURN toString(o.at) AS at", user=str(interactions.user_ids[user]),
                          product=str(interactions.product_ids[product]))
        assert len(rows) == 1
        # placed now, as a shopper's purchase is: after everything the scratch shop was loaded with
        assert pd.Timestamp(rows[0]["at"]) > pd.Timestamp("2011-12-31", tz="UTC")
