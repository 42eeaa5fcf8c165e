"""The merchandiser's dashboard: activity, best sellers, the evaluation reports, a shopper's list before and after
the rules, a product's neighbourhood as a picture, and rules made and managed from forms."""
from __future__ import annotations

import json
import re

import pytest

from shopgraph.graph.rules import Rules, check_rule

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def reports(app, tmp_path):
    app.config["REPORTS_DIR"] = tmp_path
    return tmp_path


def test_the_overview_shows_what_the_shop_did(mia, reports):
    page = text(mia.client.get("/merch"))

    assert "Purchases (orders)" in page and "<svg class=\"bar-chart\"" in page
    # The fixture has orders only (no views or carts in its last 30 days), so only purchases are drawn.
    assert "records no views, carts (still open), ratings and likes" in page
    top = page[page.index('id="top-products"'):page.index('id="top-categories"')]
    assert "Regency Cakestand 3 Tier" in top
    assert re.search(r"Mugs &amp; Cups</a></td><td class=\"num\">1</td><td class=\"num\">4</td>", page)


def test_without_a_report_the_overview_says_how_to_make_one(mia, reports):
    assert "No evaluation yet: run <code>shopgraph evaluate" in text(mia.client.get("/merch"))


def test_the_latest_evaluation_table_and_plot_are_shown(mia, reports):
    result = {"dataset": "online-retail", "protocol": "train before November", "models": [
        {"name": "popularity", "family": "peer", "metrics": {"ndcg@10": 0.038, "recall@10": 0.019}, "fit_seconds": 0},
        {"name": "multi", "family": "shopgraph", "metrics": {"ndcg@10": 0.150, "recall@10": 0.091},
         "fit_seconds": 254.4}]}
    (reports / "evaluation-online-retail.json").write_text(json.dumps(result))
    (reports / "evaluation-online-retail.png").write_bytes(PNG)

    page = text(mia.client.get("/merch"))

    table = page[page.index('id="evaluation"'):]
    assert table.index(">multi<") < table.index(">popularity<"), "best NDCG@10 first"
    assert "0.1500" in table and "254.4" in table
    assert 'src="/merch/reports/evaluation-online-retail.png"' in table
    plot = mia.client.get("/merch/reports/evaluation-online-retail.png")
    assert plot.status_code == 200 and plot.mimetype == "image/png" and plot.data == PNG
    plot.close()


@pytest.mark.parametrize("name", ["../secret.png", "bench.png", "evaluation-online-retail.json", "nothing.png"])
def test_only_evaluation_plots_are_served(mia, reports, name):
    (reports / "bench.png").write_bytes(PNG)
    (reports / "evaluation-online-retail.json").write_text("{}")

    assert mia.client.get(f"/merch/reports/{name}").status_code == 404


def test_a_copy_of_the_same_run_is_shown_once(mia, reports):
    result = {"dataset": "movielens-100k", "models": [{"name": "ease", "family": "peer",
                                                       "metrics": {"ndcg@10": 0.2}}]}
    (reports / "evaluation-movielens-100k.json").write_text(json.dumps(result))
    (reports / "evaluation-movielens-100k.png").write_bytes(PNG)
    (reports / "evaluation.json").write_text(json.dumps([result]))

    page = text(mia.client.get("/merch"))

    assert page.count("<h3>movielens-100k") == 1
    assert 'src="/merch/reports/evaluation-movielens-100k.png"' in page


def test_an_unreadable_report_is_named_not_fatal(mia, reports):
    (reports / "evaluation-broken.json").write_text("{not json")

    page = text(mia.client.get("/merch"))

    assert "evaluation-broken.json could not be read" in page


def test_a_shoppers_list_before_and_after_rules(mia):
    Rules(mia.client.application.extensions["neo4j"]).create(check_rule("pin", "product", "22112"))

    page = text(mia.client.get("/merch/shoppers?user_id=u-bob&strategy=popular"))

    before = page[page.index('data-list="before"'):page.index('data-list="after"')]
    after = page[page.index('data-list="after"'):]
    first_after = re.search(r'data-product="([^"]+)"', after).group(1)
    assert first_after == "22112"
    assert "<code>pinned</code>" in after and "<code>pinned</code>" not in before
    assert "Featured" in after, "the reason in words, as the shopper reads it"
    assert 'class="tag tag-new">new' in after or "▲ from" in after


def test_an_unknown_shopper_is_a_404_with_a_message(mia):
    response = mia.client.get("/merch/shoppers?user_id=nobody")

    assert response.status_code == 404
    assert "There is no shopper with the id “nobody”." in text(response)


def test_a_products_neighbourhood_is_drawn(mia):
    mia.client.application.extensions["neo4j"].write(
        "MATCH (a:Product {id: '22423'}), (b:Product {id: '22697'}) MERGE (a)-[:BOUGHT_WITH {score: 0.8}]->(b)")

    page = text(mia.client.get("/merch/products?product_id=22423"))

    svg = page[page.index("<svg class=\"graph-picture\""):page.index("</svg>", page.index("graph-picture"))]
    for label in ("Regency Cakestand 3 Tier", "Kitchen", "Home", "Regency", "Bob Builder",
                  "Green Regency Teacup and…"):
        assert f">{label}</text>" in svg, label
    for relation in ("IN_CATEGORY", "PARENT_OF", "MADE_BY", "PURCHASED", "BOUGHT_WITH"):
        assert f">{relation}</text>" in svg, relation
    assert 'href="/merch/products?product_id=22697"' in svg


def test_an_unknown_product_is_a_404_with_a_message(mia):
    response = mia.client.get("/merch/products?product_id=nope")

    assert response.status_code == 404
    assert "There is no product with the id “nope”." in text(response)


# -- rules from the dashboard ----------------------------------------------------------------------
def rule_form(mia, **fields):
    data = {"kind": "boost", "target_type": "category", "target_id": "kitchen", "weight": "", "starts_at": "",
            "ends_at": "", "note": "", **fields}
    return mia.post_form("/merch/rules", data)


def test_a_rule_is_created_switched_off_and_deleted_from_the_dashboard(mia):
    created = rule_form(mia, kind="pin", target_type="brand", target_id="Regency", starts_at="2024-12-01",
                        ends_at="2024-12-26", note="Christmas tea")
    assert created.status_code == 303
    page = text(mia.client.get("/merch/rules"))
    assert "Rule created: pin brand Regency." in page
    rule_id = re.search(r'data-rule="([^"]+)"', page).group(1)
    assert "Christmas tea" in page and "2024-12-01 → 2024-12-26" in page

    assert mia.post_form(f"/merch/rules/{rule_id}/switch", {}).status_code == 303
    page = text(mia.client.get("/merch/rules"))
    assert "Rule switched off." in page and 'class="rule-off"' in page

    assert mia.post_form(f"/merch/rules/{rule_id}/delete", {}).status_code == 303
    page = text(mia.client.get("/merch/rules"))
    assert "Rule deleted." in page and "data-rule=" not in page


@pytest.mark.parametrize("fields, message", [
    ({"weight": "-2"}, "weight must not be negative (got -2)"),
    ({"target_id": "nowhere"}, "There is no category &#39;nowhere&#39;."),
    ({"starts_at": "2024-12-10", "ends_at": "2024-12-01"}, "must be after starts_at"),
    ({"target_id": ""}, "target_id must name a category"),
])
def test_a_bad_rule_is_shown_on_the_form_and_not_stored(mia, fields, message):
    response = rule_form(mia, **fields)

    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert 'class="field has-error"' in page
    assert Rules(mia.client.application.extensions["neo4j"]).all() == []


def test_dashboard_forms_need_the_csrf_token(mia):
    response = mia.post_form("/merch/rules", {"kind": "pin", "target_type": "product", "target_id": "22423"},
                             csrf=False)

    assert response.status_code == 400
    assert Rules(mia.client.application.extensions["neo4j"]).all() == []
