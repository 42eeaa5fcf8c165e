"""Business rules: what a shopper must not see, diverse top 10s, and the merchandiser hook."""
from __future__ import annotations

from collections import Counter

import pytest

from shopgraph.graph.recommendations import Interaction, ShopperHistory
from shopgraph.models import rules
from shopgraph.models.rules import Ranked, diversify, excluded_products
from shopgraph.models.serving import STRATEGIES, RecommendationService
from tests.models.shop_fixture import AISLE, PRODUCTS

PRODUCT_IDS = [p["id"] for p in PRODUCTS]


def ranked(*specs):
    """Ranked items from "id:category" strings, best first."""
    return [Ranked(spec.split(":")[0], 1.0 - i / 100, [{"kind": "popular"}], spec.split(":")[1] or None)
            for i, spec in enumerate(specs)]


def test_diversify_caps_a_category_in_the_top_ten():
    items = ranked("a0:A", "a1:A", "a2:A", "a3:A", "a4:A", "b0:B", "b1:B", "c0:C", "c1:C", "d0:D", "d1:D", "e0:E")

    out = [item.product_id for item in diversify(items, cap=3, window=10)]

    assert out == ["a0", "a1", "a2", "b0", "b1", "c0", "c1", "d0", "d1", "e0", "a3", "a4"]


def test_diversify_fills_the_top_ten_when_other_categories_run_out():
    items = ranked("a0:A", "a1:A", "a2:A", "a3:A", "a4:A", "b0:B", "n0:")

    out = [item.product_id for item in diversify(items, cap=2, window=5)]

    assert out == ["a0", "a1", "b0", "n0", "a2", "a3", "a4"]


def test_diversify_leaves_uncategorised_products_alone():
    items = ranked(*[f"n{i}:" for i in range(12)])

    assert [item.product_id for item in diversify(items)] == [item.product_id for item in items]


def test_exclusions_keep_repeat_purchases_and_drop_the_rest():
    shopper = ShopperHistory(
        "u", interactions=(Interaction("PURCHASED", "again", count=3), Interaction("PURCHASED", "once", count=1),
                           Interaction("RATED", "rated", rating=4), Interaction("PURCHASED", "rated-again", count=2),
                           Interaction("ADDED_TO_CART", "cart"), Interaction("VIEWED", "looked"),
                           Interaction("LIKED", "liked")),
        disliked=frozenset({"hated"}), bought_once=frozenset({"once"}), rated=frozenset({"rated", "rated-again"}),
        in_cart=frozenset({"cart"}))

    assert excluded_products(shopper) == {"once", "rated", "cart", "hated"}


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_no_strategy_recommends_what_a_shopper_disliked_or_rated_badly(tiny_shop, tmp_path, strategy):
    tiny_shop.write("dislike_product", userId="dave", productId="g4")
    tiny_shop.write("rate_product", userId="dave", productId="k1", rating=1)
    service = RecommendationService(tiny_shop, artefacts_dir=tmp_path)

    items = [item.product_id for item in service.recommend("dave", 16, strategy)]

    assert items
    assert "g4" not in items and "k1" not in items


@pytest.mark.parametrize("user", ["alice", "bob", "carol", "dave", "erin", "frank"])
def test_a_top_ten_holds_at_most_three_products_of_one_aisle(tiny_shop, tmp_path, user):
    service = RecommendationService(tiny_shop, artefacts_dir=tmp_path)

    items = service.recommend(user, 10)

    per_aisle = Counter(AISLE[item.product_id[0]] for item in items)
    excluded = excluded_products(service.repository.history(user))
    eligible = Counter(AISLE[p[0]] for p in PRODUCT_IDS if p not in excluded)
    if sum(min(n, 3) for n in eligible.values()) >= 10:
        assert max(per_aisle.values()) <= 3, per_aisle
    else:  # too few products elsewhere (carol bought six): the cap gives way rather than a short list
        assert len(items) == min(10, sum(eligible.values()))


class PinAndBan:
    """A stand-in for the merchandising rules: pin one product, exclude another."""

    def __init__(self, pin: str, ban: str) -> None:
        self.pin, self.ban, self.calls = pin, ban, []

    def apply(self, user_id, items, excluded):
        self.calls.append(user_id)
        kept = [item for item in items if item.product_id not in (self.ban, self.pin)]
        if self.pin in excluded:
            return kept
        return [Ranked(self.pin, 99.0, [{"kind": "pinned"}], None), *kept]


def test_merchandiser_rules_pin_and_exclude_through_the_hook(tiny_shop, tmp_path):
    merchandiser = PinAndBan(pin="g3", ban="k3")
    service = RecommendationService(tiny_shop, artefacts_dir=tmp_path, merchandiser_rules=merchandiser)

    items = service.recommend("alice", 5)
    visitor = service.recommend(None, 5)

    assert items[0].product_id == "g3" and items[0].because == [{"kind": "pinned"}]
    assert visitor[0].product_id == "g3"
    assert "k3" not in [item.product_id for item in items + visitor]
    assert merchandiser.calls == ["alice", None]


def test_the_default_hook_changes_nothing():
    items = ranked("a:A", "b:B")

    assert rules.NoMerchandiserRules().apply("u", items, set()) == items
