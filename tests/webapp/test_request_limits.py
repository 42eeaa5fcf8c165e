"""Bounded requests: body size (413), URL length (414), JSON depth (400), and the API's answers as documented."""
from __future__ import annotations

import pytest

from tests.webapp.shop import bearer

MIB = 1024 * 1024


def _error(response) -> dict:
    return response.get_json()["error"]


def test_a_50_mb_body_is_a_json_413_before_anything_reads_it(client, integration_token, shop):
    body = b'{"user_id": "u-bob", "product_id": "' + b"x" * (50 * MIB) + b'", "type": "like"}'
    response = client.post("/api/v1/events", data=body, content_type="application/json",
                           headers=bearer(integration_token))
    assert response.status_code == 413
    assert _error(response)["code"] == "request_entity_too_large"


def test_a_body_just_under_the_limit_is_read(client, integration_token, shop):
    padding = "x" * (MIB - 200)
    response = client.post("/api/v1/events", headers=bearer(integration_token),
                           json={"user_id": "u-bob", "product_id": padding, "type": "like"})
    assert response.status_code == 400 and _error(response)["field"] == "product_id"  # read, then judged


def test_the_body_limit_is_configurable(app, client, integration_token, shop):
    app.config["MAX_CONTENT_LENGTH"] = 100
    response = client.post("/api/v1/events", headers=bearer(integration_token),
                           json={"user_id": "u-bob", "product_id": "22423", "type": "like", "value": "x" * 100})
    assert response.status_code == 413


def test_an_oversized_form_post_to_the_shop_is_an_html_413(ada, shop):
    response = ada.client.post("/checkout", data={"csrf_token": ada.csrf, "filler": "x" * (2 * MIB)})
    assert response.status_code == 413 and response.mimetype == "text/html"


@pytest.mark.parametrize("body", ["[" * 100_000, "{\"a\":" * 100_000, "{nope", "\"unterminated"])
def test_malformed_or_deeply_nested_json_is_a_json_400(client, integration_token, shop, body):
    response = client.post("/api/v1/events", data=body, content_type="application/json",
                           headers=bearer(integration_token))
    assert response.status_code == 400 and _error(response)["field"] == "body"


def test_deeply_nested_json_to_the_rules_api_is_a_400(client, merchandiser_token, shop):
    response = client.post("/api/v1/rules", data="[" * 100_000, content_type="application/json",
                           headers=bearer(merchandiser_token))
    assert response.status_code == 400


def test_an_overlong_api_url_is_a_json_414_and_the_shop_shortens_its_search(client, shop):
    api = client.get("/api/v1/search?q=" + "x" * 5000)
    assert api.status_code == 414 and _error(api)["code"] == "request_uri_too_long"
    assert client.get("/api/v1/search?q=" + "x" * 200).status_code == 200
    page = client.get("/search?q=" + "x" * 5000)
    assert page.status_code == 200 and page.mimetype == "text/html"


def test_a_405_says_which_methods_are_allowed(client, shop):
    response = client.delete("/api/v1/products")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD"}
    assert _error(response)["code"] == "method_not_allowed"


@pytest.mark.parametrize("query, field", [
    ("k=", "k"), ("k=1_0", "k"), ("k=%205", "k"), ("k=%D9%A3", "k"), ("k=1&k=2", "k"),
    ("strategy=", "strategy"), ("user_id=", "user_id"), ("user_id=%20%20", "user_id"),
])
def test_recommendation_arguments_are_read_exactly_as_documented(client, merchandiser_token, shop, query, field):
    response = client.get(f"/api/v1/recommendations?{query}", headers=bearer(merchandiser_token))
    assert response.status_code == 400 and _error(response)["field"] == field


@pytest.mark.parametrize("query, field", [
    ("sort=", "sort"), ("per_page=", "per_page"), ("page=+1", "page"), ("category=", "category"),
    ("category=%0D", "category"), ("sort=popular&sort=popular", "sort"),
])
def test_listing_arguments_are_read_exactly_as_documented(client, shop, query, field):
    response = client.get(f"/api/v1/products?{query}")
    assert response.status_code == 400 and _error(response)["field"] == field


def test_similar_products_refuse_a_junk_k(client, shop):
    assert client.get("/api/v1/products/22423/similar?k=junk").status_code == 400
    assert client.get("/api/v1/products/22423/similar?k=3").status_code == 200


@pytest.mark.parametrize("body, field", [
    ({"user_id": "u-bob", "product_id": "22423", "type": "like", "colour": "red"}, "colour"),
    ({"user_id": "u-bob", "product_id": "22423", "type": "cart", "value": "2"}, "value"),
    ({"user_id": "u-bob", "product_id": "", "type": "like"}, "product_id"),
    ({"user_id": "", "product_id": "22423", "type": "like"}, "user_id"),
    ({"events": [{"user_id": "u-bob", "product_id": "22423", "type": "like"}], "extra": 1}, "extra"),
])
def test_event_bodies_the_document_refuses_are_refused(client, integration_token, shop, body, field):
    response = client.post("/api/v1/events", headers=bearer(integration_token), json=body)
    assert response.status_code == 400 and _error(response)["field"] == field
    assert shop.read_value("MATCH (:User {id: 'u-bob'})-[r:LIKED|ADDED_TO_CART]->(:Product {id: '22423'}) "
                           "RETURN count(r)") == 0


def test_the_document_refuses_what_the_server_refuses(client, shop):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    for name in ("PlainEvent", "RatingEvent", "CartEvent", "PurchaseEvent", "EventBatch"):
        assert schemas[name]["additionalProperties"] is False, name
        if name != "EventBatch":
            assert schemas[name]["properties"]["product_id"]["minLength"] == 1
    events = document["paths"]["/events"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in events["parameters"]}
    assert {"409", "413", "414"} <= set(events["responses"])
    assert all("414" in operation["responses"] for item in document["paths"].values() for operation in item.values())
