"""The multi ranker sees the same features in training and in serving: for a shopper and the shop's products,
the row training makes from Interactions read out of the graph equals the row serving makes from the graph's
answers. Both go through ``models.features.assemble``; this checks that what each gathers for it agrees."""
from __future__ import annotations

import numpy as np
import pytest

from shopgraph.graph.recommendations import RecommendationRepository
from shopgraph.models.data import interactions_from_graph
from shopgraph.models.features import FEATURES, ShopFacts, pair_features
from shopgraph.models.serving_features import feature_matrix
from tests.models.shop_fixture import PRODUCTS


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
