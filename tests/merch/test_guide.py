"""The Neo4j Browser guide the app serves: the model, a shopper's neighbourhood and every recommendation query
with parameters, fetchable from the Browser's origin (CORS, with the preflight its fetch needs)."""
from __future__ import annotations

import re

from shopgraph.webapp.guide import RECOMMENDATION_QUERIES, cypher_literal, example_params

BROWSER_ORIGIN = "http://127.0.0.1:7474"


def test_the_guide_is_html_slides_with_a_title(client, shop):
    response = client.get("/guide", headers={"Origin": BROWSER_ORIGIN})

    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<title>ShopGraph: the graph behind the shop</title>" in page
    assert page.count("<slide") >= len(RECOMMENDATION_QUERIES) + 4
    assert "<script" not in page, "the Browser strips scripts; the guide needs none"


def test_the_browser_may_fetch_it_across_origins(client, shop):
    preflight = client.options("/guide", headers={
        "Origin": BROWSER_ORIGIN, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "pragma,cache-control"})
    response = client.get("/guide", headers={"Origin": BROWSER_ORIGIN, "Pragma": "no-cache"})

    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] in ("*", BROWSER_ORIGIN)
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert {"pragma", "cache-control"} <= {h.strip().lower()
                                            for h in preflight.headers["Access-Control-Allow-Headers"].split(",")}
    assert response.headers["Access-Control-Allow-Origin"] in ("*", BROWSER_ORIGIN)


def test_every_recommendation_query_is_ready_to_run(client, shop):
    page = client.get("/guide").get_data(as_text=True)

    for name in RECOMMENDATION_QUERIES:
        slide = re.search(rf"<h3>{name}</h3>(.*?)</slide>", page, re.S)
        assert slide, f"no slide for {name}"
        runnable = re.findall(r'<pre class="runnable">(.*?)</pre>', slide.group(1), re.S)
        assert runnable and "RETURN" in runnable[-1], name
        if "$" in runnable[-1]:
            assert runnable[0].startswith(":param "), f"{name} has parameters but no :param lines"


def test_the_guide_explains_the_model_and_a_shoppers_neighbourhood(client, shop):
    page = client.get("/guide").get_data(as_text=True)

    assert "CALL db.schema.visualization()" in page
    assert '<svg class="graph-picture"' in page
    neighbourhood = re.search(r"<h3>shopper_neighbourhood</h3>(.*?)</slide>", page, re.S).group(1)
    assert ":param userId =&gt; &#34;" in neighbourhood or ':param userId =&gt; "' in neighbourhood


def test_example_ids_the_data_lacks_are_swapped_for_ones_it_has(client, shop):
    page = client.get("/guide").get_data(as_text=True)

    history = re.search(r"<h3>user_history</h3>(.*?)</slide>", page, re.S).group(1)
    user_id = re.search(r":param userId =&gt; (?:&#34;|&quot;|\")([^&\"]+)", history).group(1)
    assert user_id in {"u-bob", "17850"}, "the example's 12347 is not in the fixture shop"


def test_parameters_become_cypher_literals_that_keep_integers():
    params = example_params("shopgraph cypher bought_with -p 'seeds=[{\"id\": \"85123A\", \"weight\": 1.0}]' "
                            "-p perSeed=10 -p userId='\"17850\"'")

    assert params == {"seeds": [{"id": "85123A", "weight": 1.0}], "perSeed": 10, "userId": "17850"}
    assert cypher_literal(params["seeds"]) == '[{id: "85123A", weight: 1.0}]'
    assert cypher_literal(params["perSeed"]) == "10"
