"""Merchandiser rules through the recommendation service's hook: every strategy's list changes as the rule says."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shopgraph.graph.rules import Rules, check_rule
from shopgraph.models.merch_rules import GraphMerchandiserRules
from shopgraph.models.serving import STRATEGIES, RecommendationService
from tests.models.shop_fixture import build_shop


@pytest.fixture
def tiny_shop(graph):
    build_shop(graph)
    return graph


def services(graph, tmp_path) -> tuple[RecommendationService, RecommendationService]:
    """The same recommender without rules and with the graph's rules."""
    return (RecommendationService(graph, artefacts_dir=tmp_path),
            RecommendationService(graph, artefacts_dir=tmp_path, merchandiser_rules=GraphMerchandiserRules(graph)))


def add_rule(graph, *args, **kwargs) -> dict:
    return Rules(graph).create(check_rule(*args, **kwargs))


def ids(items) -> list[str]:
    return [item.product_id for item in items]


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_a_pinned_product_leads_every_strategy_with_its_reason(tiny_shop, tmp_path, strategy):
    rule = add_rule(tiny_shop, "pin", "product", "g3")
    _, with_rules = services(tiny_shop, tmp_path)

    for shopper in ("alice", None):
        items = with_rules.recommend(shopper, 5, strategy)
        assert items[0].product_id == "g3", (shopper, ids(items))
        assert items[0].because[0] == {"kind": "pinned", "rule": rule["id"]}


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_an_excluded_category_leaves_every_strategy(tiny_shop, tmp_path, strategy):
    without, with_rules = services(tiny_shop, tmp_path)
    assert any(pid.startswith("t") for pid in ids(without.recommend("alice", 16, strategy))
               + ids(without.recommend(None, 16, strategy))), "the toys are there before the rule"

    add_rule(tiny_shop, "exclude", "category", "gifts")  # the parent of toys and cards

    for shopper in ("alice", None):
        assert not [pid for pid in ids(with_rules.recommend(shopper, 16, strategy)) if pid[0] in "tc"]


def test_a_boosted_product_climbs_to_the_top_with_its_reason(tiny_shop, tmp_path):
    without, with_rules = services(tiny_shop, tmp_path)
    before = ids(without.recommend("bob", 8))
    last = before[-1]

    rule = add_rule(tiny_shop, "boost", "product", last, weight=1.0)
    after = with_rules.recommend("bob", 8)

    assert after[0].product_id == last, (before, ids(after))
    assert after[0].because[0] == {"kind": "boosted", "rule": rule["id"]}


def test_a_buried_brand_sinks(tiny_shop, tmp_path):
    without, with_rules = services(tiny_shop, tmp_path)
    before = ids(without.recommend("erin", 10))
    acme = [pid for pid in before if pid in ("k1", "k2", "k4")]
    assert acme and before.index(acme[0]) < len(before) - len(acme), before

    add_rule(tiny_shop, "bury", "brand", "Acme", weight=1.0)
    after = ids(with_rules.recommend("erin", 10))

    assert after[-len(acme):] == [pid for pid in after if pid in acme], (before, after)
    assert set(after) == set(before)


def test_no_rule_shows_a_shopper_what_they_just_bought(tiny_shop, tmp_path):
    add_rule(tiny_shop, "pin", "product", "k2")  # alice bought k2 in a single order
    _, with_rules = services(tiny_shop, tmp_path)

    assert "k2" not in ids(with_rules.recommend("alice", 10))
    assert with_rules.recommend(None, 10)[0].product_id == "k2", "a visitor still sees the pin"


def test_rules_apply_only_in_their_date_range(tiny_shop, tmp_path):
    now = datetime.now(UTC)
    add_rule(tiny_shop, "pin", "product", "g3", starts_at=now - timedelta(days=10), ends_at=now - timedelta(days=1))
    add_rule(tiny_shop, "pin", "product", "g4", starts_at=now + timedelta(days=1))
    add_rule(tiny_shop, "pin", "product", "c4", starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=1))
    _, with_rules = services(tiny_shop, tmp_path)

    items = ids(with_rules.recommend(None, 10))

    assert items[0] == "c4"
    assert "g3" not in items[:1] and "g4" not in items[:1]


def test_the_rules_version_changes_with_the_rules(tiny_shop):
    rules = GraphMerchandiserRules(tiny_shop)
    empty = rules.version

    rule = add_rule(tiny_shop, "boost", "category", "kitchen")
    rules.refresh()
    boosted = rules.version
    Rules(tiny_shop).set_active(rule["id"], False)
    rules.refresh()

    assert empty != boosted and rules.version == empty


def test_a_rule_switched_off_stops_applying(tiny_shop, tmp_path):
    rule = add_rule(tiny_shop, "exclude", "product", "k3")
    _, with_rules = services(tiny_shop, tmp_path)
    assert "k3" not in ids(with_rules.recommend("alice", 16))

    Rules(tiny_shop).set_active(rule["id"], False)
    with_rules.merchandiser_rules.refresh()
    with_rules.refresh()

    assert "k3" in ids(with_rules.recommend("alice", 16))


def test_the_shop_applies_the_rules_to_what_a_shopper_sees(app, ada, merchandiser_token):
    """The shop's own recommender (home page, API) runs the rules once models.rules' hook is wired to
    models.merch_rules.GraphMerchandiserRules; a rule made through the API shows at once, even in a list
    the shopper saw a moment before."""
    from shopgraph.webapp import recommender

    with app.app_context():
        if not isinstance(recommender.service().merchandiser_rules, GraphMerchandiserRules):
            pytest.skip("the shop's RecommendationService has no merchandiser rules wired in yet "
                        "(see the merchandising report: pass GraphMerchandiserRules(graph) as merchandiser_rules)")
    ada.client.get("/")
    created = app.test_client().post("/api/v1/rules", json={"kind": "pin", "target_type": "product",
                                                             "target_id": "22112"},
                                     headers={"Authorization": f"Bearer {merchandiser_token}"})
    assert created.status_code == 200

    page = ada.client.get("/").get_data(as_text=True)
    first = page.index('class="card-link"', page.index(">Recommended for you</h2>"))

    assert page[first:first + 80].startswith('class="card-link" href="/products/22112')
    assert "Featured" in page[first:page.index("</article>", first)]
