"""The multi ranker sees the same features in training and in serving: for a shopper and the shop's products,
the row training makes from Interactions read out of the graph equals the row serving makes from the graph's
answers. Both go through ``models.features.assemble``; this checks that what each gathers for it agrees."""
from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from shopgraph.graph.recommendations import Candidate, RecommendationRepository
from shopgraph.models.data import interactions_from_graph
from shopgraph.models.features import (
    ABSENT_RANK,
    FEATURES,
    ShopFacts,
    candidate_features,
    feature_names,
    pair_features,
    shop_wide_columns,
)
from shopgraph.models.popularity import PopularRecommender, TrendingRecommender
from shopgraph.models.serving_blend import CandidatePool, add_file_rows
from shopgraph.models.serving_features import feature_matrix
from tests.models.shop_fixture import NOW, PRODUCTS


@pytest.mark.parametrize("shopper", ["alice", "bob", "dave", "browser"])
def test_training_and_serving_make_the_same_rows(tiny_shop, shopper):
    products = [product["id"] for product in PRODUCTS]
    interactions = interactions_from_graph(tiny_shop)
    users, items = interactions.user_index, interactions.product_index
    rows = len(products)
    trained = pair_features(ShopFacts.from_interactions(interactions), np.full(rows, users[shopper]),
                            np.array([items[p] for p in products]), {}, np.zeros(rows), np.zeros(rows))

    graph = RecommendationRepository(tiny_shop)
    served = feature_matrix(list(FEATURES), products, {}, graph.candidate_facts(products), graph.history(shopper),
                            graph.product_categories(), trending=[], popular=[], user_embedding=None, user_mf=None,
                            vectors=None, now=graph.latest_activity())

    for column, name in enumerate(FEATURES):
        assert served[:, column] == pytest.approx(trained[:, column], abs=1e-4), name
    assert trained[:, FEATURES.index("popularity")].any() and trained[:, FEATURES.index("price")].any()


def test_a_candidate_source_file_gives_the_same_columns_in_training_and_serving(tiny_shop):
    interactions = interactions_from_graph(tiny_shop)
    users, items = interactions.user_index, interactions.product_index
    # a file's rows for alice, who took k1 herself: training drops it from her candidates, and both still rank by it
    found = {"k4": 4.0, "k1": 3.0, "g1": 2.0, "t1": 1.0}
    names = feature_names(["file_party"])
    block = candidate_features({}, ShopFacts.from_interactions(interactions), [users["alice"]],
                               files={"file_party": {users["alice"]: {items[p]: s for p, s in found.items()}}})
    pool = CandidatePool()
    add_file_rows(pool, "file_party",
                  [Candidate("party", p, s, {"kind": "great_for_parties"}) for p, s in found.items()])
    products = [str(interactions.product_ids[p]) for p in block.products]

    graph = RecommendationRepository(tiny_shop)
    served = feature_matrix(names, products, pool.scores, graph.candidate_facts(products), graph.history("alice"),
                            graph.product_categories(), trending=[], popular=[], user_embedding=None, user_mf=None,
                            vectors=None, now=graph.latest_activity())

    assert block.names == names and sorted(products) == ["g1", "k4", "t1"]
    for name in ("score_file_party", "rank_file_party"):
        column = names.index(name)
        assert served[:, column] == pytest.approx(block.features[:, column]), name
    ranks = block.features[:, names.index("rank_file_party")]
    assert dict(zip(products, ranks, strict=True)) == {"k4": 1, "g1": 3, "t1": 4}


def test_popular_and_trending_count_events_as_the_graph_does(tiny_shop):
    """A poor rating and a view count for neither list; a good rating and a like weigh less than an order line in
    trending, a cart line less still: the columns training makes from its own counts are the ones serving reads."""
    tiny_shop.write(
        "UNWIND $rows AS row MATCH (u:User {id: row[0]}), (p:Product {id: row[1]}) "
        "MERGE (u)-[r:RATED]->(p) SET r.rating = row[2], r.at = row[3]",
        rows=[["bob", "c4", 1.0, NOW - timedelta(days=1)], ["erin", "c4", 2.0, NOW - timedelta(days=1)],
              ["carol", "k2", 5.0, NOW - timedelta(days=2)], ["dave", "g2", 4.0, NOW - timedelta(days=9)]])
    tiny_shop.write(
        "UNWIND $rows AS row MATCH (u:User {id: row[0]}), (p:Product {id: row[1]}) "
        "MERGE (u)-[r:ADDED_TO_CART]->(p) SET r.quantity = 1, r.at = row[2]",
        rows=[["bob", "t1", NOW], ["frank", "g3", NOW - timedelta(days=7)]])
    interactions = interactions_from_graph(tiny_shop)
    products = [product["id"] for product in PRODUCTS]
    items = np.array([interactions.product_index[p] for p in products])
    everyone = np.zeros(1, dtype=np.int64)
    columns = {name: tuple(values[items] for values in shop_wide_columns(model.fit(interactions).score(everyone)[0]))
               for name, model in (("popular", PopularRecommender()), ("trending", TrendingRecommender()))}
    names = [f"{kind}_{name}" for name in columns for kind in ("score", "rank")]
    trained = pair_features(ShopFacts.from_interactions(interactions), np.zeros(len(products), dtype=np.int64), items,
                            columns, np.zeros(len(products)), np.zeros(len(products)), names)

    graph = RecommendationRepository(tiny_shop)
    served = feature_matrix(names, products, {}, graph.candidate_facts(products), graph.history("bob"),
                            graph.product_categories(), trending=graph.trending(1000), popular=graph.popular(1000),
                            user_embedding=None, user_mf=None, vectors=None, now=graph.latest_activity())

    for column, name in enumerate(names):
        assert served[:, column] == pytest.approx(trained[:, column], abs=1e-4), name
    popular = dict(zip(products, trained[:, names.index("rank_popular")], strict=True))
    trend = dict(zip(products, trained[:, names.index("score_trending")], strict=True))
    assert popular["c4"] == ABSENT_RANK and trend["c4"] == 0, "poor ratings made c4 popular"
    assert popular["k2"] < ABSENT_RANK and trend["k2"] > 0
