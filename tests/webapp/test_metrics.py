"""/metrics as Prometheus reads it after the shop has served requests, and who may read it.

The app here is one process (Flask's test client); tests/webapp/test_serve_metrics.py runs the same page under
gunicorn's workers. Counters belong to the process and outlive each test's app, so every test compares a scrape
after its requests with one before them.
"""
from __future__ import annotations

import pytest

from shopgraph.graph import queries
from shopgraph.webapp import ops_metrics
from shopgraph.webapp.timed_graph import query_label
from tests.webapp.operations import app_on, parse, scrape, trained_version, value
from tests.webapp.shop import bearer

REQUESTS = "shopgraph_http_request_duration_seconds_count"
QUERIES = "shopgraph_graph_query_duration_seconds_count"


def test_a_request_adds_a_latency_sample_under_its_endpoint(client, shop):
    ok = {"endpoint": "api.product", "method": "GET", "status_class": "2xx"}
    missing = {**ok, "status_class": "4xx"}
    before = scrape(client)

    assert client.get("/api/v1/products/85123A").status_code == 200
    assert client.get("/api/v1/products/no-such-product").status_code == 404
    after = scrape(client)

    assert value(after, REQUESTS, **ok) == value(before, REQUESTS, **ok) + 1
    assert value(after, REQUESTS, **missing) == value(before, REQUESTS, **missing) + 1
    bucket = "shopgraph_http_request_duration_seconds_bucket"
    assert value(after, bucket, le="+Inf", **ok) == value(before, bucket, le="+Inf", **ok) + 1


def test_urls_no_route_serves_are_counted_together_never_by_their_path(client):
    unmatched = {"endpoint": "unmatched", "method": "GET", "status_class": "4xx"}
    before = scrape(client)

    client.get("/no-such-page-4711")
    page = client.get("/metrics").get_data(as_text=True)

    # the path itself (not just its number, which a float timestamp in the page may happen to contain)
    assert "no-such-page-4711" not in page
    assert value(parse(page), REQUESTS, **unmatched) == value(before, REQUESTS, **unmatched) + 1


def test_graph_queries_are_timed_under_the_name_of_their_query(client, shop):
    before = scrape(client)
    client.get("/api/v1/products/85123A")
    after = scrape(client)
    assert value(after, QUERIES, query="product_page") == value(before, QUERIES, query="product_page") + 1


def test_impressions_and_clicks_move_the_click_through_counters(client, merchandiser_token, shop):
    impressions = {"surface": "api", "strategy": "popular"}
    before = scrape(client)

    served = client.get("/api/v1/recommendations?user_id=u-ada&k=5&strategy=popular",
                        headers=bearer(merchandiser_token)).get_json()
    assert served["items"]
    clicked = client.post(f"/api/v1/recommendations/{served['list_id']}/clicks", headers=bearer(merchandiser_token),
                          json={"product_id": served["items"][0]["product_id"]})
    assert clicked.status_code == 200
    after = scrape(client)

    shown = "shopgraph_recommendation_impressions_total"
    assert value(after, shown, **impressions) == value(before, shown, **impressions) + len(served["items"])
    clicks = "shopgraph_recommendation_clicks_total"
    assert value(after, clicks) == value(before, clicks) + 1


def test_a_shelf_shown_again_finds_its_cards_in_the_cache(client, merchandiser_token, shop):
    lookups = "shopgraph_cache_lookups_total"
    ask = "/api/v1/recommendations?user_id=u-bob&k=5&strategy=popular"

    first = scrape(client)
    assert client.get(ask, headers=bearer(merchandiser_token)).get_json()["items"]
    second = scrape(client)
    client.get(ask, headers=bearer(merchandiser_token))
    third = scrape(client)

    def moved(before, after, result):
        return value(after, lookups, cache="shelf_cards", result=result) - \
            value(before, lookups, cache="shelf_cards", result=result)

    read = moved(first, second, "miss")
    assert read > 0, "the first shelf reads its cards"
    assert (moved(second, third, "hit"), moved(second, third, "miss")) == (read, 0)


def test_lists_are_counted_by_how_they_were_made(client, merchandiser_token, shop):
    lists, lookups = "shopgraph_recommendation_lists_total", "shopgraph_cache_lookups_total"
    asked = "/api/v1/recommendations?user_id=u-ada&k=5&strategy=hybrid"
    before = scrape(client)

    for _ in range(2):  # built live (nothing stored for a fresh shop), then from this worker's cache
        assert client.get(asked, headers=bearer(merchandiser_token)).status_code == 200
    after = scrape(client)

    moved = {kind: value(after, lists, kind=kind) - value(before, lists, kind=kind) for kind in ops_metrics.LIST_KINDS}
    assert moved == {"stored": 0, "folded": 0, "cached": 1, "live": 1}
    cache = {result: value(after, lookups, cache="shopper_lists", result=result)
             - value(before, lookups, cache="shopper_lists", result=result) for result in ("hit", "miss")}
    assert cache == {"hit": 1, "miss": 1}
    with pytest.raises(ValueError):
        ops_metrics.count_list("from-a-hat")


def test_the_model_served_is_named(graph, neo4j_settings, tmp_path):
    with app_on(neo4j_settings, tmp_path / "empty") as app:
        assert value(scrape(app.test_client()), "shopgraph_model_loaded") == 0
    version = trained_version(tmp_path / "trained", graph)
    with app_on(neo4j_settings, tmp_path / "trained") as app:
        samples = scrape(app.test_client())
    assert value(samples, "shopgraph_model_loaded") == 1
    assert value(samples, "shopgraph_model_info", version=version) == 1
    assert value(samples, "shopgraph_model_trained_timestamp_seconds") > 0


# -- who may scrape --------------------------------------------------------------------------------
ELSEWHERE = {"environ_base": {"REMOTE_ADDR": "203.0.113.9"}}


def test_without_a_token_only_this_machine_may_scrape(client):
    assert client.get("/metrics").status_code == 200
    assert client.get("/metrics", **ELSEWHERE).status_code == 403
    # A proxy on this machine connects from loopback, on behalf of someone else.
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 403


def test_with_a_token_whoever_sends_it_may_scrape(neo4j_settings, tmp_path):
    with app_on(neo4j_settings, tmp_path, METRICS_TOKEN="scrape-secret-0123456789") as app:
        client = app.test_client()
        assert client.get("/metrics").status_code == 401, "this machine needs the token too"
        assert client.get("/metrics", headers=bearer("wrong"), **ELSEWHERE).status_code == 401
        response = client.get("/metrics", headers=bearer("scrape-secret-0123456789"), **ELSEWHERE)
    assert response.status_code == 200
    assert "shopgraph_http_request_duration_seconds" in response.get_data(as_text=True)
    assert "scrape-secret" not in response.get_data(as_text=True)


def test_the_hot_path_is_timed_under_the_file_name_of_the_text_it_sends():
    assert query_label(queries.query("shopper_state")) == "shopper_state"
    assert query_label("shopper_state") == "shopper_state"
    assert query_label("MATCH (p:Product {id: $id}) RETURN p") == "inline", "never the text itself"
