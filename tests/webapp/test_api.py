"""The JSON API: the catalogue, search, recommendations and events, with sessions, tokens and bad input."""
from __future__ import annotations

from urllib.parse import unquote

import pytest
from flask import url_for

from shopgraph.graph.tokens import Tokens
from shopgraph.webapp.blueprints import api
from tests.webapp.shop import bearer


def _error(response) -> dict:
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert "Traceback" not in response.get_data(as_text=True)
    return body["error"]


# -- catalogue ---------------------------------------------------------------------------------------
def test_products_are_paged(client, shop):
    first = client.get("/api/v1/products?per_page=5&sort=price_asc").get_json()
    assert first["total"] == 12 and first["pages"] == 3 and len(first["items"]) == 5
    assert first["items"][0] == {
        "id": "37370", "name": "Retro Coffee Mugs Assorted", "price": 1.25, "currency": "GBP", "imageUrl": None,
        "brand": "Pantry", "avgRating": None, "ratingCount": 0, "url": "/products/37370"}
    third = client.get("/api/v1/products?per_page=5&page=3&sort=price_asc").get_json()
    assert [p["id"] for p in third["items"]][-1] == "22423"


@pytest.mark.parametrize("product_id", ["85123A", "POST 7", "50%?#&", "Ünïcode–Ω"])
def test_product_urls_are_the_ones_url_for_builds(app, product_id):
    """The API builds one product url with url_for and gives the rest its shape; every one must still be
    the route's own url, and open the product page."""
    with app.test_request_context("/api/v1/recommendations"):
        assert api.product_urls()(product_id) == url_for("shop.product", product_id=product_id)
        assert api.product_urls(rec="9f" * 16)(product_id) == url_for(
            "shop.product", product_id=product_id, rec="9f" * 16)
        path = unquote(api.product_urls()(product_id))  # as the server decodes it
        assert app.url_map.bind("localhost").match(path) == ("shop.product", {"product_id": product_id})


def test_products_filter_by_category_including_subcategories(client, shop):
    body = client.get("/api/v1/products?category=kitchen").get_json()
    assert {p["id"] for p in body["items"]} == {"22423", "22720", "22697", "22699", "37370"}
    response = client.get("/api/v1/products?category=nowhere")
    assert response.status_code == 404 and _error(response)["field"] == "category"


@pytest.mark.parametrize("query, field", [
    ("page=0", "page"), ("page=abc", "page"), ("per_page=101", "per_page"), ("per_page=-1", "per_page"),
    ("sort=name", "sort"), ("sort=p.price%20DESC", "sort"), ("category=" + "x" * 101, "category"),
])
def test_bad_listing_parameters_are_a_400_naming_the_field(client, shop, query, field):
    response = client.get(f"/api/v1/products?{query}")
    assert response.status_code == 400
    error = _error(response)
    assert error["field"] == field and error["code"] == "invalid_parameter"


def test_a_product_in_full(client, shop):
    body = client.get("/api/v1/products/22697").get_json()
    assert body["name"] == "Green Regency Teacup and Saucer"
    assert body["description"].startswith("A green china teacup")
    assert [c["id"] for c in body["categories"]] == ["home", "kitchen", "mugs"]
    response = client.get("/api/v1/products/nope")
    assert response.status_code == 404 and _error(response) == {
        "code": "not_found", "message": "There is no product 'nope'.", "field": "product_id",
        "request_id": response.headers["X-Request-ID"]}


@pytest.mark.parametrize("kind", ["similar", "bought-together"])
def test_related_products_come_from_the_recommender_with_reasons(client, shop, kind):
    body = client.get(f"/api/v1/products/22697/{kind}?k=3").get_json()
    assert body["product_id"] == "22697" and len(body["items"]) <= 3
    for item in body["items"]:
        assert item["product_id"] != "22697"
        assert item["because"] and item["reason"] and item["product"]["id"] == item["product_id"]
    assert client.get(f"/api/v1/products/nope/{kind}").status_code == 404
    assert _error(client.get(f"/api/v1/products/22697/{kind}?k=0"))["field"] == "k"


def test_search_ranks_and_names_the_words(client, shop):
    body = client.get("/api/v1/search?q=regency%20teacup&per_page=1").get_json()
    assert body["total"] == 2 and body["pages"] == 2 and body["words"] == ["regency", "teacup"]
    assert body["items"][0]["id"] in {"22697", "22699"} and body["items"][0]["score"] > 0


@pytest.mark.parametrize("q", ["", '"', "AND OR NOT", "MATCH (n) DETACH DELETE n", "title:x^2~ [a TO b]", "\\"])
def test_odd_searches_are_answered_normally(client, shop, q):
    response = client.get("/api/v1/search", query_string={"q": q})
    assert response.status_code == 200
    assert shop.read_value("MATCH (p:Product) RETURN count(p)") == 12


def test_an_overlong_search_is_a_400(client, shop):
    response = client.get("/api/v1/search", query_string={"q": "x" * 201})
    assert response.status_code == 400 and _error(response)["field"] == "q"


# -- recommendations ---------------------------------------------------------------------------------
def test_recommendations_need_a_caller(client, shop):
    response = client.get("/api/v1/recommendations")
    assert response.status_code == 401 and _error(response)["code"] == "unauthorized"


def test_a_shopper_gets_their_own_recommendations_with_reasons(ada, shop):
    body = ada.client.get("/api/v1/recommendations?k=5").get_json()
    assert body["user_id"] == "u-ada" and body["strategy"] == "multi" and body["k"] == 5
    assert 0 < len(body["items"]) <= 5
    for item in body["items"]:
        assert item["because"] and isinstance(item["reason"], str) and item["product"]["name"]
    assert ada.client.get("/api/v1/recommendations?user_id=u-ada").status_code == 200


def test_a_shopper_cannot_read_another_shoppers_recommendations(ada, shop):
    response = ada.client.get("/api/v1/recommendations?user_id=u-bob")
    assert response.status_code == 403 and _error(response)["field"] == "user_id"


def test_a_merchandiser_token_reads_anyones_recommendations(client, merchandiser_token, shop):
    body = client.get("/api/v1/recommendations?user_id=u-bob&k=3&strategy=popular",
                      headers=bearer(merchandiser_token)).get_json()
    assert body["user_id"] == "u-bob" and body["strategy"] == "popular" and len(body["items"]) <= 3
    visitor = client.get("/api/v1/recommendations", headers=bearer(merchandiser_token)).get_json()
    assert visitor["user_id"] is None
    response = client.get("/api/v1/recommendations?user_id=nobody", headers=bearer(merchandiser_token))
    assert response.status_code == 404 and _error(response)["field"] == "user_id"


def test_an_integration_token_cannot_read_a_users_recommendations(client, integration_token, shop):
    response = client.get("/api/v1/recommendations?user_id=u-bob", headers=bearer(integration_token))
    assert response.status_code == 403


def test_a_merchandiser_account_reads_anyones_recommendations_with_its_session(app, shop):
    from shopgraph.graph.users import Users
    from shopgraph.webapp.security import hash_password
    from tests.webapp.shop import sign_in

    Users(shop).create("merch@example.com", "Mia", hash_password("Merchandise-9!"), "merchandiser")
    client = app.test_client()
    sign_in(client, {"email": "merch@example.com", "password": "Merchandise-9!"})
    assert client.get("/api/v1/recommendations?user_id=u-bob").get_json()["user_id"] == "u-bob"


@pytest.mark.parametrize("query, field", [
    ("k=0", "k"), ("k=101", "k"), ("k=abc", "k"), ("k=1.5", "k"), ("strategy=best", "strategy"),
    ("strategy=hybrid%27%20OR%201=1", "strategy"), ("user_id=" + "u" * 101, "user_id"),
])
def test_bad_recommendation_parameters_are_a_400_naming_the_field(client, merchandiser_token, shop, query, field):
    response = client.get(f"/api/v1/recommendations?{query}", headers=bearer(merchandiser_token))
    assert response.status_code == 400 and _error(response)["field"] == field


@pytest.mark.parametrize("header", ["Bearer sg_nope_nope", "Bearer ", "Basic dXNlcjpwYXNz", "sg_x_y",
                                    "Bearer " + "a" * 500])
def test_a_bad_token_is_a_401(client, shop, header):
    response = client.get("/api/v1/recommendations", headers={"Authorization": header})
    assert response.status_code == 401 and _error(response)["code"] == "invalid_token"


def test_a_revoked_token_stops_working(app, client, shop):
    token, text = Tokens(shop).create("merchandiser")
    Tokens(shop).revoke(token.id)
    app.extensions["api_token_cache"]._entries.clear()
    assert client.get("/api/v1/recommendations", headers=bearer(text)).status_code == 401


def test_tokens_are_stored_only_as_hashes(shop):
    token, text = Tokens(shop).create("integration", name="nightly import")
    stored = shop.read_one("MATCH (t:ApiToken {id: $id}) RETURN t {.*} AS t", id=token.id)["t"]
    assert stored["role"] == "integration" and stored["createdAt"] is not None
    secret = text.split("_", 2)[2]
    assert secret not in str(stored) and len(stored["hash"]) == 64


# -- events --------------------------------------------------------------------------------------------
def test_a_shopper_sends_feedback_with_the_csrf_header(ada, shop):
    response = ada.post_json("/api/v1/events", {"product_id": "22423", "type": "rate", "value": 4})
    assert response.status_code == 200
    body = response.get_json()
    assert body["recorded"] == 1 and body["user_id"] == "u-ada"
    assert body["result"]["avgRating"] == 4.0 and body["result"]["ratingCount"] == 1
    assert shop.read_value("MATCH (:User {id: 'u-ada'})-[r:RATED]->() RETURN r.rating") == 4


def test_session_feedback_without_the_csrf_header_is_refused(ada, shop):
    response = ada.post_json("/api/v1/events", {"product_id": "22423", "type": "like"}, csrf=False)
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "csrf_failed" and error["field"] == "X-CSRFToken"
    assert shop.read_value("MATCH ()-[r:LIKED]->() RETURN count(r)") == 0


def test_anonymous_feedback_is_a_401_and_writes_nothing(client, shop):
    response = client.post("/api/v1/events", json={"product_id": "22423", "type": "like"})
    assert response.status_code == 401
    assert shop.read_value("MATCH ()-[r:LIKED]->() RETURN count(r)") == 0


@pytest.mark.parametrize("body, field", [
    ({"product_id": "22423", "type": "rate", "value": 0}, "value"),
    ({"product_id": "22423", "type": "rate", "value": 6}, "value"),
    ({"product_id": "22423", "type": "rate", "value": "abc"}, "value"),
    ({"product_id": "22423", "type": "rate", "value": True}, "value"),
    ({"product_id": "22423", "type": "rate", "value": 4.5}, "value"),
    ({"product_id": "22423", "type": "rate"}, "value"),
    ({"product_id": "22423", "type": "cart", "value": 100}, "value"),
    ({"product_id": "22423", "type": "explode"}, "type"),
    ({"product_id": "22423", "type": ["like"]}, "type"),
    ({"product_id": "22423"}, "type"),
    ({"type": "like"}, "product_id"),
    ({"product_id": 22423, "type": "like"}, "product_id"),
    ({"product_id": "p" * 101, "type": "like"}, "product_id"),
    ({"product_id": "  ", "type": "like"}, "product_id"),
    (["not", "an", "object"], "body"),
    ("just text", "body"),
])
def test_bad_events_are_a_400_naming_the_field(ada, shop, body, field):
    response = ada.post_json("/api/v1/events", body)
    assert response.status_code == 400
    assert _error(response)["field"] == field
    assert shop.read_value("MATCH (:User {id: 'u-ada'})-[r]->() RETURN count(r)") == 0


def test_an_event_body_that_is_not_json_is_a_400(ada, shop):
    response = ada.client.post("/api/v1/events", data="{nope", content_type="application/json",
                               headers={"X-CSRFToken": ada.csrf})
    assert response.status_code == 400 and _error(response)["field"] == "body"


def test_an_event_on_an_unknown_product_is_a_404(ada, shop):
    response = ada.post_json("/api/v1/events", {"product_id": "nope", "type": "view"})
    assert response.status_code == 404 and _error(response)["field"] == "product_id"


def test_a_shopper_cannot_send_feedback_for_another_shopper(ada, shop):
    response = ada.post_json("/api/v1/events", {"user_id": "u-bob", "product_id": "22423", "type": "dislike"})
    assert response.status_code == 403 and _error(response)["field"] == "user_id"
    assert shop.read_value("MATCH ()-[r:DISLIKED]->() RETURN count(r)") == 0


def test_a_shopper_cannot_send_a_batch(ada, shop):
    response = ada.post_json("/api/v1/events", {"events": [{"product_id": "22423", "type": "like"}]})
    assert response.status_code == 403


def test_every_event_type_does_what_it_says(ada, shop):
    def send(type_, value=None, product="22720"):
        body = {"product_id": product, "type": type_, **({"value": value} if value is not None else {})}
        response = ada.post_json("/api/v1/events", body)
        assert response.status_code == 200, response.get_json()
        return response.get_json()["result"]

    def edges():
        return sorted(shop.read_value("MATCH (:User {id: 'u-ada'})-[r]->(:Product {id: '22720'}) "
                                      "RETURN collect(type(r))"))

    assert send("view") == {"count": 1}
    send("rate", 2)
    send("like")
    send("cart", 2)
    assert edges() == ["ADDED_TO_CART", "LIKED", "RATED", "VIEWED"]
    send("dislike")
    send("unrate")
    send("uncart")
    assert edges() == ["DISLIKED", "VIEWED"]
    send("undislike")
    assert edges() == ["VIEWED"]
    order = send("purchase", 3)["order"]
    assert order["items"] == 3 and order["total"] == pytest.approx(14.85)
    assert edges() == ["PURCHASED", "VIEWED"]
    assert shop.read_value("MATCH (:User {id: 'u-ada'})-[:PLACED]->(o:Order) RETURN count(o)") == 1


def test_a_token_sends_events_for_the_user_each_names_without_csrf(client, integration_token, shop):
    response = client.post("/api/v1/events", headers=bearer(integration_token),
                           json={"user_id": "u-bob", "product_id": "22086", "type": "like"})
    assert response.status_code == 200
    assert shop.read_value("MATCH (:User {id: 'u-bob'})-[r:LIKED]->(:Product {id: '22086'}) RETURN count(r)") == 1
    missing = client.post("/api/v1/events", headers=bearer(integration_token),
                          json={"product_id": "22086", "type": "like"})
    # A token acts for no shopper: an event that names none is refused (403, as the document says).
    assert missing.status_code == 403 and _error(missing)["field"] == "user_id"
    unknown = client.post("/api/v1/events", headers=bearer(integration_token),
                          json={"user_id": "ghost", "product_id": "22086", "type": "like"})
    assert unknown.status_code == 404 and _error(unknown)["field"] == "user_id"


def test_a_batch_is_written_whole(client, merchandiser_token, shop):
    events = [{"user_id": "17850", "product_id": "22423", "type": "view"},
              {"user_id": "17850", "product_id": "22423", "type": "rate", "value": 5},
              {"user_id": "u-bob", "product_id": "37370", "type": "purchase", "value": 2}]
    response = client.post("/api/v1/events", headers=bearer(merchandiser_token), json={"events": events})
    assert response.status_code == 200
    body = response.get_json()
    assert body["recorded"] == 3 and body["results"][1]["result"]["rating"] == 5
    assert shop.read_value("MATCH (:User {id: '17850'})-[r:RATED|VIEWED]->() RETURN count(r)") == 2
    assert shop.read_value("MATCH (:User {id: 'u-bob'})-[b:PURCHASED]->(:Product {id: '37370'}) RETURN b.quantity") == 2


@pytest.mark.parametrize("bad, field", [
    ({"user_id": "17850", "product_id": "22423", "type": "teleport"}, "events[1].type"),
    ({"user_id": "17850", "product_id": "22423", "type": "rate", "value": 9}, "events[1].value"),
    ({"user_id": "17850", "product_id": "ghost", "type": "view"}, "events[1].product_id"),
    ({"user_id": "ghost", "product_id": "22423", "type": "view"}, "events[1].user_id"),
    ({"product_id": "22423", "type": "view"}, "events[1].user_id"),
    ("view", "events[1]"),
])
def test_one_bad_event_refuses_the_whole_batch(client, integration_token, shop, bad, field):
    events = [{"user_id": "17850", "product_id": "22423", "type": "like"}, bad]
    response = client.post("/api/v1/events", headers=bearer(integration_token), json={"events": events})
    assert response.status_code in (400, 403, 404)
    assert _error(response)["field"] == field
    assert shop.read_value("MATCH (:User {id: '17850'})-[r:LIKED|VIEWED|RATED]->() RETURN count(r)") == 0


@pytest.mark.parametrize("events", [[], "x", [{}] * 1001])
def test_a_batch_must_be_a_list_of_reasonable_size(client, integration_token, shop, events):
    response = client.post("/api/v1/events", headers=bearer(integration_token), json={"events": events})
    assert response.status_code == 400 and _error(response)["field"].startswith("events")


def test_feedback_makes_the_recommender_forget_the_shopper(app, ada, shop, monkeypatch):
    forgotten = []
    service = app.extensions["recommender"].get()
    monkeypatch.setattr(service, "forget", forgotten.append)
    ada.post_json("/api/v1/events", {"product_id": "22423", "type": "like"})
    ada.post_form("/products/22423/feedback", {"type": "rate", "value": "3"})
    ada.client.get("/products/22720")
    assert forgotten == ["u-ada", "u-ada", "u-ada"]


# -- failure -------------------------------------------------------------------------------------------
def test_the_api_is_a_json_503_when_neo4j_is_down(shop, client_without_neo4j):
    client = client_without_neo4j
    for path in ("/api/v1/products", "/api/v1/products/22423", "/api/v1/search?q=mug"):
        response = client.get(path)
        assert response.status_code == 503
        assert _error(response)["code"] == "graph_unavailable"
        assert int(response.headers["Retry-After"]) > 0
    response = client.get("/api/v1/recommendations", headers=bearer("sg_abc_def"))
    assert response.status_code == 503


def test_a_busy_database_is_a_503_to_retry_not_a_500(shop, app, client, monkeypatch):
    from neo4j.exceptions import TransientError

    def deadlocked(*args, **kwargs):
        raise TransientError("Neo.TransientError.Transaction.DeadlockDetected: retries exhausted")

    for read in ("read", "read_one", "read_value", "read_rows", "read_with"):
        monkeypatch.setattr(app.extensions["neo4j"], read, deadlocked)
    response = client.get("/api/v1/products")

    assert response.status_code == 503 and _error(response)["code"] == "graph_unavailable"
    assert int(response.headers["Retry-After"]) > 0
    page = client.get("/products/22423")
    assert page.status_code == 503 and "Traceback" not in page.get_data(as_text=True)


def test_unknown_api_paths_and_methods_are_json(client, shop):
    assert _error(client.get("/api/v1/nothing-here"))["code"] == "not_found"
    response = client.delete("/api/v1/products")
    assert response.status_code == 405 and _error(response)["code"] == "method_not_allowed"
