"""What a shopper did since their list was stored is folded into it: the next list shows the event at once,
keeps the stored ranking for the rest, and never brings back what the shopper must not be shown. What cannot be
folded is built live."""
from __future__ import annotations

import pytest

from shopgraph.graph.recommendations import RATED
from shopgraph.models.fresh_feedback import FRESH_LIMIT, FRESH_SOURCES, fresh_pool
from shopgraph.models.rules import excluded_products
from shopgraph.models.serving_blend import SEED_WEIGHTS, CandidatePool, add_source_rows
from shopgraph.models.stored_lists import store_lists
from shopgraph.models.vocabulary import EVIDENCE_KINDS
from tests.models.test_stored_lists import buy, ids, put_first, stored_ids

TRENDING = [{"kind": "trending"}]


def named(items, kind, product_id):
    return [item.product_id for item in items if {"kind": kind, "product": product_id} in item.because]


def test_a_purchase_is_folded_into_the_stored_list(tiny_shop, service):
    store_lists(service, ["alice"])
    put_first(tiny_shop, "alice", "g4")

    buy(tiny_shop, "alice", "t2")
    items = service.recommend("alice", 10)

    assert service.served["folded"] == 1 and service.served["live"] == 0
    # t2 has no trained neighbours: t3 comes from the latest baskets holding t2, and says so.
    assert "t3" in named(items, "bought_with", "t2")
    assert "t2" not in ids(items), "a product just bought (once) came back"
    # The stored ranking is still there: the hand-placed g4, with the reason put on it.
    assert [item.because for item in items if item.product_id == "g4"] == [TRENDING]


def test_the_fresh_product_leads_the_list(tiny_shop, service):
    store_lists(service, ["bob"])

    tiny_shop.write("like_product", userId="bob", productId="g1")
    items = service.recommend("bob", 5)

    assert items[0].product_id in {"g2", "g4"}
    assert items[0].because[0]["product"] == "g1"


def test_the_share_training_chose_for_the_shop_decides_how_far_the_act_moves_the_list(tiny_shop, service,
                                                                                       monkeypatch):
    store_lists(service, ["bob"])
    stored_top = stored_ids(tiny_shop, "bob")[0]
    monkeypatch.setattr(service.artefacts, "current", lambda: {"fold": {"fresh_share": 0.05}})

    tiny_shop.write("like_product", userId="bob", productId="g1")
    items = service.recommend("bob", 10)

    assert service.served["folded"] == 1
    # a shop whose stored rankings already know their shoppers keeps them on top (at 0.5 g1's neighbours lead)
    assert items[0].product_id == stored_top != "g1"
    assert named(items, "bought_with", "g1") + named(items, "similar_to", "g1"), "the act no longer shows"


def test_a_folded_neighbour_the_shopper_must_not_see_stays_out(tiny_shop, service):
    tiny_shop.write("dislike_product", userId="alice", productId="g4")
    store_lists(service, ["alice"])

    tiny_shop.write("like_product", userId="alice", productId="g1")  # g4 is g1's closest neighbour
    items = service.recommend("alice", 10)

    assert service.served["folded"] == 1
    assert "g2" in named(items, "bought_with", "g1") + named(items, "similar_to", "g1")
    assert "g4" not in ids(items)


def test_a_dislike_only_takes_the_product_out(tiny_shop, service):
    store_lists(service, ["alice"])
    top = service.recommend("alice", 10)[0].product_id

    tiny_shop.write("dislike_product", userId="alice", productId=top)
    items = service.recommend("alice", 10)

    assert service.served["folded"] == 1
    assert top not in ids(items)


def test_a_like_taken_back_builds_the_list_live(tiny_shop, service):
    store_lists(service, ["alice"])
    put_first(tiny_shop, "alice", "g4")
    tiny_shop.write("unlike_product", userId="alice", productId="c2")  # liked before the list was stored

    items = service.recommend("alice", 10)

    assert service.served["live"] == 1 and service.served["folded"] == 0
    assert items[0].because != TRENDING


def test_more_fresh_interactions_than_the_limit_build_the_list_live(tiny_shop, service):
    store_lists(service, ["newbie"])
    products = [f"{aisle}{n}" for aisle in "kgct" for n in range(1, 5)][:FRESH_LIMIT + 1]
    for product in products:
        tiny_shop.write("like_product", userId="newbie", productId=product)

    service.recommend("newbie", 10)

    assert service.served["live"] == 1 and service.served["folded"] == 0


def test_every_worker_folds_the_same_event(tiny_shop, service, tmp_path):
    """Another process took the event: this service has no cached list to forget and still shows it."""
    from shopgraph.models.serving import RecommendationService

    store_lists(service, ["alice"])
    other = RecommendationService(tiny_shop, artefacts_dir=tmp_path / "artifacts")
    other.recommend("alice", 10)

    buy(tiny_shop, "alice", "t2")

    assert "t3" in named(other.recommend("alice", 10), "bought_with", "t2")
    assert other.served["folded"] == 1



# -- the fold is prepared by the state read itself ---------------------------------------------------------
def count_reads(monkeypatch, graph):
    """Counts the graph reads made from now on (every kind of read the service may make)."""
    reads: list[str] = []
    for method in ("read_rows", "read", "read_one", "read_value", "read_with"):
        original = getattr(graph, method)

        def counted(*args, _original=original, _method=method, **kwargs):
            reads.append(_method)
            return _original(*args, **kwargs)

        monkeypatch.setattr(graph, method, counted)
    return reads


@pytest.mark.parametrize("event", ["like", "buy", "dislike"])
def test_a_folded_list_costs_one_read(tiny_shop, service, monkeypatch, event):
    store_lists(service, ["alice"])
    top = service.recommend("alice", 10)[0].product_id  # the stored list; shared values (trending...) loaded
    if event == "like":
        tiny_shop.write("like_product", userId="alice", productId="g1")
    elif event == "buy":
        buy(tiny_shop, "alice", "t2")
    else:
        tiny_shop.write("dislike_product", userId="alice", productId=top)

    reads = count_reads(monkeypatch, tiny_shop)
    service.recommend("alice", 10)

    assert service.served["folded"] == 1
    assert reads == ["read_rows"], f"the folded list took {len(reads)} reads: {reads}"


def prepared_state(service, user_id, strategy=None):
    """The shopper's state as serving reads it for the stored lists' strategy (or ``strategy``)."""
    return service.repository.state(user_id, fresh_limit=FRESH_LIMIT + 1,
                                    fold=service.stored.walk(strategy or service.stored.strategy))


def python_seeds(fresh):
    """The fresh seeds as Python weighed them before the state read did (the rule the Cypher must keep)."""
    weights: dict[str, float] = {}
    for interaction in fresh:
        if interaction.type == RATED:
            rating = interaction.rating or 0
            strength = (rating - 3) / 2 if rating >= 4 else 0.0
        else:
            strength = SEED_WEIGHTS.get(interaction.type, 0.0)
        if strength > 0:
            weights[interaction.product_id] = max(weights.get(interaction.product_id, 0.0), strength)
    ordered = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
    return [{"id": product_id, "weight": round(weight, 6)} for product_id, weight in ordered]


def separate_walk(service, seeds):
    """The FRESH_SOURCES files run as candidate sources from ``seeds``, with serving's limits: what the state read
    must repeat."""
    limits = service.sources.limits
    pool = CandidatePool()
    add_source_rows(pool, service.repository.candidates(
        FRESH_SOURCES, seeds=seeds, liveSeeds=seeds[:limits.live_seeds], perSeed=limits.per_seed,
        limit=limits.per_source, basketsPerSeed=limits.baskets_per_seed, maxBasket=limits.max_basket))
    return pool


def test_the_state_read_walks_from_the_fresh_products_as_the_candidate_sources_do(tiny_shop, service):
    """Same seeds, rows, scores and reasons as a separate walk of the FRESH_SOURCES files themselves."""
    store_lists(service, ["alice", "bob"])
    tiny_shop.write("like_product", userId="alice", productId="g1")
    tiny_shop.write("rate_product", userId="alice", productId="g2", rating=4)
    tiny_shop.write("rate_product", userId="alice", productId="k4", rating=2)  # seeds nothing
    tiny_shop.write("add_to_cart", userId="alice", productId="c1", quantity=1, maxQuantity=99)
    buy(tiny_shop, "alice", "t2")
    tiny_shop.write("rate_product", userId="bob", productId="k2", rating=5)  # rated_with evidence

    for user in ("alice", "bob"):
        state = prepared_state(service, user)
        assert state.fresh and state.candidates, user
        expected = separate_walk(service, python_seeds(state.fresh))
        found = fresh_pool(state.candidates)

        assert dict(found.scores) == dict(expected.scores), user
        assert {p: {g: dict(r) for g, r in gens.items()} for p, gens in found.evidence.items()} == \
            {p: {g: dict(r) for g, r in gens.items()} for p, gens in expected.evidence.items()}, user
    kinds = {c.reason["kind"] for c in state.candidates}
    assert kinds <= set(EVIDENCE_KINDS)


def test_the_state_read_excludes_what_the_whole_history_excludes_among_what_the_fold_can_show(tiny_shop, service):
    store_lists(service, ["alice"])
    tiny_shop.write("like_product", userId="alice", productId="k3")
    tiny_shop.write("rate_product", userId="alice", productId="k1", rating=5)  # bought repeatedly: may come back
    tiny_shop.write("add_to_cart", userId="alice", productId="g1", quantity=1, maxQuantity=99)

    state = prepared_state(service, "alice")

    shown = set(state.stored.product_ids) | {i.product_id for i in state.fresh} | {c.product_id for c in
                                                                                   state.candidates}
    whole = excluded_products(service.repository.history("alice"))
    assert state.excluded == whole & shown
    assert {"g1"} <= state.excluded and "k1" not in state.excluded
    # The trending products a folded list may be topped up with pass the same rule.
    assert not state.backfill & whole


def test_a_fold_tops_up_only_with_trending_products_the_shopper_may_be_shown(tiny_shop, service):
    store_lists(service, ["alice"])
    stored = stored_ids(tiny_shop, "alice")
    for product in stored[:3]:
        tiny_shop.write("dislike_product", userId="alice", productId=product)

    items = service.recommend("alice", 10)

    assert service.served["folded"] == 1
    whole = excluded_products(service.repository.history("alice"))
    assert not set(ids(items)) & whole
    assert len(items) == min(10, len(stored))


def test_other_strategies_prepare_no_fold(tiny_shop, service):
    store_lists(service, ["alice"])
    tiny_shop.write("like_product", userId="alice", productId="g1")

    state = prepared_state(service, "alice", "collaborative")

    assert state.fresh and not state.candidates and not state.excluded and not state.backfill
