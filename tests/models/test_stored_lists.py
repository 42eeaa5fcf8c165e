"""Lists stored ahead of time: serving reads them in one step while they hold, and builds live once the
shopper acts, the model changes or they grow old."""
from __future__ import annotations

import json

from click.testing import CliRunner

from shopgraph.cli import main
from shopgraph.graph.rules import ActiveRule
from shopgraph.models.merch_rules import apply_rules
from shopgraph.models.serving import STORED_SIZE, RecommendationService
from shopgraph.models.stored_lists import store_lists
from tests.models.shop_fixture import USERS


def ids(items):
    return [item.product_id for item in items]


def stored_ids(graph, user_id):
    return graph.read_value("MATCH (u:User {id: $userId}) RETURN u.recommendedIds", userId=user_id)


def put_first(graph, user_id, product_id):
    """Moves a product to the head of the stored list by hand, so the served list shows which path ran."""
    graph.write("MATCH (u:User {id: $userId}) "
                "SET u.recommendedIds = [$productId] + [p IN u.recommendedIds WHERE p <> $productId], "
                "u.recommendedScores = [9.0] + u.recommendedScores[1..], "
                "u.recommendedBecause = ['[{\"kind\":\"trending\"}]'] + u.recommendedBecause[1..]",
                userId=user_id, productId=product_id)


def buy(graph, user_id, *product_ids):
    assert graph.write("place_order", userId=user_id, orderId=f"stored-{user_id}-{'-'.join(product_ids)}",
                       lines=[{"productId": p, "quantity": 1} for p in product_ids])


def test_every_shopper_gets_a_stored_list_serving_the_same_as_the_live_one(tiny_shop, service, tmp_path):
    live = {user: service.recommend(user, 10) for user in USERS}

    summary = store_lists(service, USERS)

    assert summary.stored == len(USERS)
    # A new process (no cached lists) serves from the stored lists exactly what was built live.
    fresh = RecommendationService(tiny_shop, artefacts_dir=tmp_path / "artifacts")
    for user in USERS:
        assert [(i.product_id, i.because) for i in fresh.recommend(user, 10)] == \
            [(i.product_id, i.because) for i in live[user]], user
    because = json.loads(tiny_shop.read_value(
        "MATCH (u:User {id: 'alice'}) RETURN u.recommendedBecause[0]"))
    assert because == live["alice"][0].because


def test_serving_reads_the_stored_list_while_it_holds(tiny_shop, service):
    store_lists(service, ["alice"])
    put_first(tiny_shop, "alice", "g4")

    items = service.recommend("alice", 5)

    assert items[0].product_id == "g4" and items[0].because == [{"kind": "trending"}]


def test_after_buying_the_list_is_built_live_and_names_the_purchase(tiny_shop, service):
    store_lists(service, ["alice"])
    put_first(tiny_shop, "alice", "g4")

    buy(tiny_shop, "alice", "t2")
    items = service.recommend("alice", 10)

    assert items[0].product_id != "g4" or items[0].because != [{"kind": "trending"}]
    assert "t3" in [item.product_id for item in items
                    if {"kind": "bought_with", "product": "t2"} in item.because]
    assert "t2" not in ids(items)


def test_a_removed_rating_also_makes_the_list_live(tiny_shop, service):
    tiny_shop.write("rate_product", userId="bob", productId="g2", rating=5)
    store_lists(service, ["bob"])
    put_first(tiny_shop, "bob", "g4")

    tiny_shop.write("unrate_product", userId="bob", productId="g2")

    assert service.recommend("bob", 5)[0].because != [{"kind": "trending"}]


def test_a_list_made_with_another_model_version_is_not_used(tiny_shop, service):
    store_lists(service, ["alice"])
    put_first(tiny_shop, "alice", "g4")
    tiny_shop.write("MATCH (u:User {id: 'alice'}) SET u.recommendedVersion = 'an-older-version'")

    assert service.recommend("alice", 5)[0].because != [{"kind": "trending"}]


def test_an_old_list_is_not_used(tiny_shop, service):
    store_lists(service, ["alice"])
    put_first(tiny_shop, "alice", "g4")
    tiny_shop.write("MATCH (u:User {id: 'alice'}) SET u.recommendedAt = datetime() - duration('P3D')")

    assert service.recommend("alice", 5)[0].because != [{"kind": "trending"}]


def test_longer_lists_than_stored_and_other_strategies_are_built_live(tiny_shop, service):
    store_lists(service, ["alice"])
    put_first(tiny_shop, "alice", "g4")

    assert service.recommend("alice", 5, "collaborative")[0].because != [{"kind": "trending"}]
    assert len(stored_ids(tiny_shop, "alice")) <= STORED_SIZE


class PinC3:
    """A merchandiser's pin of c3, which alice bought in one order (so she must not be shown it)."""

    rule = ActiveRule("pin-c3", "pin", 1.0, frozenset({"c3"}), ("c3",))

    def addable_products(self):
        return {"c3"}

    def apply(self, user_id, items, excluded):
        return apply_rules(items, [self.rule], excluded)


def test_a_pin_on_a_stored_list_still_respects_what_the_shopper_bought(tiny_shop, service, tmp_path):
    store_lists(service, ["alice", "bob"])
    pinned = RecommendationService(tiny_shop, artefacts_dir=tmp_path / "artifacts", merchandiser_rules=PinC3())

    assert "c3" not in ids(pinned.recommend("alice", 10))
    assert pinned.recommend("bob", 10)[0].product_id == "c3"


def test_the_command_stores_every_shoppers_list(tiny_shop, neo4j_settings, monkeypatch, tmp_path):
    for name, value in (("NEO4J_URI", neo4j_settings.uri), ("NEO4J_USER", neo4j_settings.user),
                        ("NEO4J_PASSWORD", neo4j_settings.password),
                        ("SHOPGRAPH_ARTIFACTS", str(tmp_path / "artifacts"))):
        monkeypatch.setenv(name, value)

    result = CliRunner().invoke(main, ["recommend", "--all-users", "--store"], catch_exceptions=False)

    assert result.exit_code == 0, result.output
    assert f"Stored lists for {len(USERS)} of {len(USERS)} shopper(s)" in result.output
    assert all(stored_ids(tiny_shop, user) for user in USERS if user != "newbie") and stored_ids(tiny_shop, "newbie")
    refused = CliRunner().invoke(main, ["recommend", "--all-users", "--store", "--out", str(tmp_path / "x.jsonl")])
    assert refused.exit_code == 2 and "--store" in refused.output


def test_a_product_taken_out_of_the_shop_leaves_the_stored_lists_that_held_it(tiny_shop, service, tmp_path):
    store_lists(service, ["alice"])
    retired = stored_ids(tiny_shop, "alice")[0]

    assert tiny_shop.write("retire_product", productId=retired)[0]["retired"] == 1

    # a new process (nothing cached) makes alice's list again, without the product and as long as before
    items = RecommendationService(tiny_shop, artefacts_dir=tmp_path / "artifacts").recommend("alice", 5)
    assert retired not in ids(items) and len(items) == 5
