"""The recommendation service on a tiny shop in a real Neo4j: every strategy, reasons, cold starts, product rows."""
from __future__ import annotations

import json

import numpy as np
import pytest

from shopgraph.models.serving import STRATEGIES, RecommendationService, UnknownStrategy
from shopgraph.models.strategy_files import StrategyLibrary
from tests.models.artefact_versions import publish_metadata
from tests.models.shop_fixture import AISLE

#: The `because` kinds the tiny shop's lists give (models.vocabulary) and the field each one names.
REASON_FIELDS = {
    "bought_with": "product", "rated_with": "product", "also_bought": "product", "similar_to": "product",
    "same_category": "category",
    "same_brand": "brand", "same_tag": "tag", "liked_by_similar_shoppers": None, "matches_your_taste": None,
    "trending": None, "popular": None, "pinned": None,
}


def ids(items):
    return [item.product_id for item in items]


def assert_well_formed(items):
    for item in items:
        assert isinstance(item.score, float)
        assert item.because, f"{item.product_id} has no reason"
        for reason in item.because:
            assert reason["kind"] in REASON_FIELDS, reason
            needed = REASON_FIELDS[reason["kind"]]
            if needed:
                assert reason.get(needed), reason
    assert len(set(ids(items))) == len(items), "a product appears twice"


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_every_strategy_answers_a_shopper_with_reasons(service, strategy):
    items = service.recommend("alice", 5, strategy)

    assert 1 <= len(items) <= 5
    assert_well_formed(items)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_every_strategy_answers_a_new_shopper_with_trending_products(service, strategy):
    items = service.recommend("newbie", 4, strategy)

    assert len(items) == 4
    assert_well_formed(items)
    expected = "popular" if strategy == "popular" else "trending"
    assert all(expected in [r["kind"] for r in item.because] for item in items)


def test_a_visitor_gets_trending_products(service):
    items = service.recommend(None, 3)

    assert len(items) == 3
    assert [item.because for item in items] == [[{"kind": "trending"}]] * 3
    # k1 sits in four recent baskets, more than any other product.
    assert items[0].product_id == "k1"


def test_a_shopper_who_only_browsed_sees_that_aisle(service):
    items = service.recommend("browser", 6)

    garden = [item for item in items if AISLE[item.product_id[0]] == "garden"]
    assert len(garden) >= 2
    assert any({"kind": "same_category", "category": "Garden"} in item.because for item in garden)


def test_content_follows_what_the_shopper_bought(service):
    items = service.recommend("alice", 5, "content")

    k4 = next(item for item in items if item.product_id == "k4")
    assert {"kind": "similar_to", "product": "k1"} in k4.because


def test_collaborative_names_the_product_it_was_bought_with(service):
    items = service.recommend("alice", 5, "collaborative")

    assert items[0].product_id == "k3"
    assert items[0].because[0] == {"kind": "bought_with", "product": "k1"}


def test_multi_is_the_default_and_names_concrete_evidence_first(service):
    items = service.recommend("alice", 5)

    assert ids(items) == ids(service.recommend("alice", 5, "multi"))
    k3 = next(item for item in items if item.product_id == "k3")
    assert k3.because[0] == {"kind": "bought_with", "product": "k1"}


def test_hybrid_reads_the_trained_weights(tiny_shop, tmp_path):
    lists = {}
    for leader, version in (("popular", "20240101T000000Z"), ("mf", "20240102T000000Z")):
        root = tmp_path / leader
        publish_metadata(tiny_shop, root, {"hybrid": {"weights": {leader: 1.0}, "cold_start_threshold": 3}}, version)
        service = RecommendationService(tiny_shop, artefacts_dir=root)
        lists[leader] = (ids(service.recommend("alice", 5, "hybrid")), ids(service.recommend("alice", 5, leader)))

    for leader, (hybrid, alone) in lists.items():
        assert hybrid[0] == alone[0], f"a blend led by {leader} should start with {leader}'s first pick"
    assert lists["popular"][0] != lists["mf"][0]


def test_a_trained_blend_keeps_the_live_walks(tiny_shop, tmp_path):
    """Even when training put all its weight on stored vectors, a purchase shows at once."""
    publish_metadata(tiny_shop, tmp_path, {"hybrid": {"weights": {"embedding": 1.0}, "cold_start_threshold": 3}})
    # The built-in walks alone: the shipped candidate-source files name reasons of their own (about older orders).
    service = RecommendationService(tiny_shop, artefacts_dir=tmp_path,
                                    strategy_library=StrategyLibrary(candidate_sources=False))
    tiny_shop.write("place_order", userId="alice", orderId="o-live", lines=[{"productId": "t2", "quantity": 1}])

    items = service.recommend("alice", 10)

    assert any({"kind": "bought_with", "product": "t2"} in item.because for item in items)


def test_multi_falls_back_to_hybrid_without_a_trained_ranker(service):
    assert ids(service.recommend("alice", 6, "multi")) == ids(service.recommend("alice", 6, "hybrid"))


def test_multi_orders_candidates_by_the_trained_ranker(tiny_shop, tmp_path):
    # A one-neuron "network" that likes expensive products: the multi list must come out by price.
    features = ["score_content", "rank_content", "price", "popularity", "user_history_size"]
    weights = np.zeros((len(features), 1))
    weights[features.index("price")] = 1.0
    folder = publish_metadata(tiny_shop, tmp_path, {"multi": {"features": features}})
    (folder / "ranker.json").write_text(json.dumps({
        "features": features,
        "learners": [{"name": "nn", "kind": "mlp", "activations": ["sigmoid"]}],
        "combination": {"kind": "stacking", "weights": [1.0], "intercept": 0.0}}))
    np.savez(folder / "ranker.npz", **{"nn.mean": np.zeros(len(features)), "nn.scale": np.ones(len(features)),
                                       "nn.W0": weights, "nn.b0": np.zeros(1)})
    service = RecommendationService(tiny_shop, artefacts_dir=tmp_path)

    items = service.recommend("alice", 3, "multi")

    rows = tiny_shop.read("MATCH (p:Product) RETURN p.id AS id, p.price AS price")
    prices = {row["id"]: row["price"] for row in rows}
    assert [prices[i] for i in ids(items)] == sorted((prices[i] for i in ids(items)), reverse=True)
    assert ids(items) != ids(service.recommend("alice", 3, "hybrid"))
    assert_well_formed(items)


def test_similar_products_come_from_similar_to_edges(service):
    items = service.products.similar_products("k1", 5)

    assert ids(items) == ["k2", "k4"]
    assert items[0].because == [{"kind": "similar_to", "product": "k1"}]


def test_similar_products_without_trained_edges_share_category_brand_or_tags(service):
    items = service.products.similar_products("k4", 3)

    assert items and all(AISLE[i[0]] == "kitchen" for i in ids(items))
    assert "k4" not in ids(items)
    assert_well_formed(items)


def test_bought_together_reads_baskets_when_no_edges_were_trained(service):
    items = service.products.bought_together("t2", 5)

    assert ids(items)[0] == "t3"
    assert items[0].because == [{"kind": "bought_with", "product": "t2"}]
    assert "t2" not in ids(items)


def test_bad_requests_are_refused(service):
    with pytest.raises(UnknownStrategy):
        service.recommend("alice", 5, "astrology")
    for k in (0, 101, "5"):
        with pytest.raises(ValueError, match="k must be"):
            service.recommend("alice", k)


def test_an_unknown_shopper_is_answered_like_a_visitor(service):
    assert ids(service.recommend("nobody-at-all", 3)) == ids(service.recommend(None, 3))


