"""The per-shopper cache: lists are reused while nothing the shopper did changed, and forget() drops them."""
from __future__ import annotations

import time

from shopgraph.models.serving import Recommendation, RecommendationService
from shopgraph.models.serving_cache import ShopperCache


def test_a_cached_list_is_reused_until_forget(tiny_shop, tmp_path):
    service = RecommendationService(tiny_shop, artefacts_dir=tmp_path)
    first = service.recommend("alice", 5, "collaborative")
    # A change the shopper did not make (a retrained edge) does not touch her cached list...
    tiny_shop.write("MATCH (a:Product {id: 'k1'}), (b:Product {id: 'g3'}) "
               "MERGE (a)-[r:BOUGHT_WITH]->(b) SET r.score = 5.0, r.model = 'cooc'")

    assert service.recommend("alice", 5, "collaborative") == first

    # ...until the service is told to forget her.
    service.forget("alice")
    fresh = {item.product_id: item for item in service.recommend("alice", 5, "collaborative")}
    assert "g3" not in [item.product_id for item in first]
    assert fresh["g3"].because[0] == {"kind": "bought_with", "product": "k1"}


def test_forget_drops_only_that_shopper(tiny_shop, tmp_path):
    service = RecommendationService(tiny_shop, artefacts_dir=tmp_path)
    bob = service.recommend("bob", 5, "collaborative")
    service.recommend("alice", 5, "collaborative")
    tiny_shop.write("MATCH (a:Product {id: 'k1'}), (b:Product {id: 'g3'}) "
               "MERGE (a)-[r:BOUGHT_WITH]->(b) SET r.score = 5.0, r.model = 'cooc'")

    service.forget("alice")

    assert service.recommend("bob", 5, "collaborative") == bob
    assert "g3" in [item.product_id for item in service.recommend("alice", 5, "collaborative")]


def test_lists_expire():
    cache = ShopperCache(max_entries=10, ttl=0.05)
    cache.put(("u", "hybrid", 10), "fp", [Recommendation("p", 1.0, [{"kind": "popular"}])])

    assert cache.get(("u", "hybrid", 10), "fp")
    time.sleep(0.06)
    assert cache.get(("u", "hybrid", 10), "fp") is None


def test_a_changed_history_misses_the_cache():
    cache = ShopperCache()
    cache.put(("u", "hybrid", 10), "before", [])

    assert cache.get(("u", "hybrid", 10), "after") is None


def test_the_cache_is_bounded_and_keeps_the_recently_used():
    cache = ShopperCache(max_entries=3, ttl=60)
    for user in "abc":
        cache.put((user, "hybrid", 10), "fp", [])
    cache.get(("a", "hybrid", 10), "fp")
    cache.put(("d", "hybrid", 10), "fp", [])

    assert cache.get(("b", "hybrid", 10), "fp") is None
    assert all(cache.get((user, "hybrid", 10), "fp") is not None for user in "acd")


def test_forgetting_a_shopper_drops_their_lists_alone():
    cache = ShopperCache(max_entries=10, ttl=60)
    for key in [("a", "hybrid", 10), ("a", "multi", 5), ("b", "hybrid", 10)]:
        cache.put(key, "fp", [])
    cache.forget("a")

    assert cache.get(("a", "hybrid", 10), "fp") is None and cache.get(("a", "multi", 5), "fp") is None
    assert cache.get(("b", "hybrid", 10), "fp") == []


def test_shoppers_pushed_out_of_a_full_cache_leave_nothing_behind():
    cache = ShopperCache(max_entries=2, ttl=60)
    for n in range(1000):
        cache.put((f"u{n}", "hybrid", 10), "fp", [])
    cache.forget("u999")

    # What the cache holds, lists and the index that finds a shopper's lists, stays within its bound.
    assert len(cache) == 1 and len(cache._keys) == 1
