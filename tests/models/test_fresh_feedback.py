"""What a shopper did since their list was stored is folded into it: the next list shows the event at once,
keeps the stored ranking for the rest, and never brings back what the shopper must not be shown. What cannot be
folded is built live."""
from __future__ import annotations

from shopgraph.models.fresh_feedback import FRESH_LIMIT
from shopgraph.models.stored_lists import store_lists
from tests.models.test_stored_lists import buy, ids, put_first

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

