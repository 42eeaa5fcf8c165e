"""Feedback is live: a purchase, rating, like, dislike or cart change shows in the shopper's next list, without
retraining, through the tiny_shop's own write queries."""
from __future__ import annotations

import pytest


def reasons_for(items, product_id):
    return next((item.because for item in items if item.product_id == product_id), None)


def names_product(items, kind, product_id):
    return [item.product_id for item in items if {"kind": kind, "product": product_id} in item.because]


def buy(graph, user_id, *product_ids, order_id="live-1"):
    rows = graph.write("place_order", userId=user_id, orderId=order_id,
                       lines=[{"productId": p, "quantity": 1} for p in product_ids])
    assert rows, "the order was not placed"


@pytest.mark.parametrize("strategy", ["hybrid", "collaborative", "multi"])
def test_after_buying_x_a_product_bought_with_x_appears_naming_x(tiny_shop, service, strategy):
    before = service.recommend("alice", 10, strategy)
    assert not names_product(before, "bought_with", "t2")

    # t2 has no trained BOUGHT_WITH edges: only other shoppers' baskets (bob's and carol's) link it to t3.
    buy(tiny_shop, "alice", "t2")
    after = service.recommend("alice", 10, strategy)

    assert "t3" in names_product(after, "bought_with", "t2")
    assert "t2" not in [item.product_id for item in after], "a product just bought (once) came back"


def test_the_next_list_is_fresh_even_when_another_process_took_the_feedback(tiny_shop, service):
    """No forget() call: the service reads the shopper's history each time (another gunicorn worker may
    have recorded the purchase)."""
    service.recommend("alice", 10)
    buy(tiny_shop, "alice", "t2")

    assert "t3" in names_product(service.recommend("alice", 10), "bought_with", "t2")


@pytest.mark.parametrize("strategy", ["hybrid", "content", "collaborative", "popular", "trending", "multi"])
def test_after_a_dislike_that_product_is_gone(tiny_shop, service, strategy):
    top = service.recommend("alice", 10, strategy)[0].product_id

    assert tiny_shop.write("dislike_product", userId="alice", productId=top)
    service.forget("alice")

    assert top not in [item.product_id for item in service.recommend("alice", 10, strategy)]


def test_a_good_rating_brings_similar_products(tiny_shop, service):
    assert not names_product(service.recommend("alice", 10, "content"), "similar_to", "g2")

    tiny_shop.write("rate_product", userId="alice", productId="g2", rating=5)

    assert "g3" in names_product(service.recommend("alice", 10, "content"), "similar_to", "g2")
    assert "g2" not in [item.product_id for item in service.recommend("alice", 10, "content")]


def test_a_like_brings_products_like_it(tiny_shop, service):
    tiny_shop.write("like_product", userId="newbie", productId="g1")

    items = service.recommend("newbie", 5)

    assert "g4" in names_product(items, "similar_to", "g1") + names_product(items, "bought_with", "g1")


def test_a_product_in_the_cart_is_not_recommended_but_steers_the_list(tiny_shop, service):
    tiny_shop.write("add_to_cart", userId="newbie", productId="c1", quantity=1, maxQuantity=99)

    items = service.recommend("newbie", 5)

    assert "c1" not in [item.product_id for item in items]
    assert "c2" in names_product(items, "similar_to", "c1") + names_product(items, "bought_with", "c1")


def test_a_repeat_purchase_may_come_back_but_a_single_one_may_not(service):
    items = [item.product_id for item in service.recommend("alice", 10, "popular")]

    assert "k1" in items          # alice bought k1 in two orders: she buys it repeatedly
    assert "k2" not in items      # bought once
    assert "c3" not in items      # bought once
