"""Products and shoppers written by an integrator: PUT and DELETE, against the real graph, checked the way an
integrator would -- the product page, search, a shopper's recommendations -- right after each call."""
from __future__ import annotations

import pytest

from tests.webapp.shop import bearer

MUG = {"name": "Blue Regency Teacup", "description": "A blue china teacup and saucer, Regency pattern.",
       "price": 3.5, "currency": "GBP", "imageUrl": "https://img.example.com/blue-teacup.jpg", "brand": "Regency",
       "categories": ["mugs"], "tags": ["china", "teatime"]}


def _error(response) -> dict:
    body = response.get_json()
    assert set(body) == {"error"}, body
    return body["error"]


@pytest.fixture
def writer(integration_token):
    return bearer(integration_token)


def test_a_new_product_is_in_the_catalogue_search_and_recommendations_at_once(client, shop, writer,
                                                                               merchandiser_token):
    response = client.put("/api/v1/products/BLUE-1", json=MUG, headers=writer)
    assert response.status_code == 200, response.get_json()
    page = client.get("/api/v1/products/BLUE-1").get_json()
    assert page["name"] == "Blue Regency Teacup" and page["price"] == 3.5 and page["brand"] == "Regency"
    assert [c["id"] for c in page["categories"]] == ["home", "kitchen", "mugs"]
    assert sorted(page["tags"]) == ["china", "teatime"] and page["imageUrl"] == MUG["imageUrl"]
    assert response.get_json() == page
    found = client.get("/api/v1/search?q=blue%20teacup").get_json()
    assert "BLUE-1" in [p["id"] for p in found["items"]]
    in_kitchen = client.get("/api/v1/products?category=kitchen&per_page=100").get_json()
    assert "BLUE-1" in [p["id"] for p in in_kitchen["items"]]
    # Bob bought Regency teacups: the new one reaches him through the content walk, with no training.
    merchandiser = bearer(merchandiser_token)
    response = client.get("/api/v1/recommendations?user_id=u-bob&k=50&strategy=content", headers=merchandiser)
    items = {item["product_id"]: item for item in response.get_json()["items"]}
    assert "BLUE-1" in items
    assert {e["kind"] for e in items["BLUE-1"]["because"]} & {"same_category", "same_brand", "similar_to"}
    # Its own "similar items" row is filled at once too.
    similar = client.get("/api/v1/products/BLUE-1/similar").get_json()
    assert {"22697", "22699"} <= {item["product_id"] for item in similar["items"]}


def test_put_replaces_the_product_and_a_repeat_changes_nothing(client, shop, writer):
    assert client.put("/api/v1/products/BLUE-1", json=MUG, headers=writer).status_code == 200
    changed = {**MUG, "brand": None, "categories": ["christmas"], "tags": ["gift"], "price": 4.0}
    first = client.put("/api/v1/products/BLUE-1", json=changed, headers=writer)
    again = client.put("/api/v1/products/BLUE-1", json=changed, headers=writer)
    assert first.status_code == again.status_code == 200 and first.get_json() == again.get_json()
    page = client.get("/api/v1/products/BLUE-1").get_json()
    assert page["brand"] is None and page["price"] == 4.0 and page["tags"] == ["gift"]
    assert [c["id"] for c in page["categories"]] == ["gifts", "christmas"]
    kitchen = client.get("/api/v1/products?category=kitchen&per_page=100").get_json()
    assert "BLUE-1" not in [p["id"] for p in kitchen["items"]]
    links = shop.read("MATCH (:Product {id: 'BLUE-1'})-[r:MADE_BY|TAGGED|IN_CATEGORY]->(n) "
                      "RETURN type(r) AS type, coalesce(n.name, n.id) AS name ORDER BY type, name")
    assert links == [{"type": "IN_CATEGORY", "name": "Christmas"}, {"type": "TAGGED", "name": "gift"}]


def test_an_existing_product_keeps_its_ratings_and_orders_when_replaced(client, shop, writer, bob):
    assert bob.post_json("/api/v1/events", {"product_id": "22697", "type": "rate", "value": 4}).status_code == 200
    body = {"name": "Green Regency Teacup", "price": 3.25, "categories": ["mugs"], "brand": "Regency"}
    assert client.put("/api/v1/products/22697", json=body, headers=writer).status_code == 200
    page = client.get("/api/v1/products/22697").get_json()
    assert page["ratingCount"] == 1 and page["avgRating"] == 4 and page["price"] == 3.25
    lines = shop.read("MATCH (:Order {id: 'order-bob-1'})-[l:CONTAINS]->({id: '22697'}) RETURN l.price AS price")
    assert lines == [{"price": 2.95}]


def test_a_deleted_product_leaves_everything_but_past_orders(client, shop, writer, merchandiser_token, bob):
    merchandiser = bearer(merchandiser_token)
    before = client.get("/api/v1/recommendations?user_id=u-bob&k=50&strategy=content", headers=merchandiser)
    assert "37370" in [item["product_id"] for item in before.get_json()["items"]]
    assert bob.post_json("/api/v1/events", {"product_id": "37370", "type": "cart"}).status_code == 200
    response = client.delete("/api/v1/products/37370", headers=writer)
    assert response.status_code == 204 and response.get_data() == b""
    assert client.get("/api/v1/products/37370").status_code == 404
    assert "37370" not in [p["id"] for p in client.get("/api/v1/search?q=retro%20mugs").get_json()["items"]]
    assert "37370" not in [p["id"] for p in client.get("/api/v1/products?per_page=100").get_json()["items"]]
    for strategy in ("content", "popular", "trending", "hybrid"):
        served = client.get(f"/api/v1/recommendations?user_id=u-bob&k=50&strategy={strategy}", headers=merchandiser)
        assert "37370" not in [item["product_id"] for item in served.get_json()["items"]], strategy
    similar = client.get("/api/v1/products/22697/similar?k=50").get_json()
    assert "37370" not in [item["product_id"] for item in similar["items"]]
    assert shop.read("MATCH (:User {id: 'u-bob'})-[:ADDED_TO_CART]->(n {id: '37370'}) RETURN n") == []
    # Bob's past order still holds every line (the cake stand, two teacups), whatever left the shop.
    assert client.delete("/api/v1/products/22423", headers=writer).status_code == 204
    lines = shop.read("MATCH (:Order {id: 'order-bob-1'})-[l:CONTAINS]->(p) RETURN p.id AS id, p.name AS name, "
                      "l.quantity AS quantity ORDER BY id")
    assert [(line["id"], line["quantity"]) for line in lines] == [("22423", 1), ("22697", 2), ("22699", 2)]
    assert lines[0]["name"] == "REGENCY CAKESTAND 3 TIER"
    # A repeated delete finds nothing more to do, and the id may be used again for a new product.
    assert client.delete("/api/v1/products/22423", headers=writer).status_code == 204
    assert client.put("/api/v1/products/22423", json={"name": "New Cake Stand"}, headers=writer).status_code == 200
    assert client.get("/api/v1/products/22423").get_json()["name"] == "New Cake Stand"


def test_a_shopper_is_created_replaced_and_erased(client, shop, writer, merchandiser_token):
    created = client.put("/api/v1/shoppers/crm-42", json={"name": "Ann Smith", "email": "Ann@Example.com"},
                         headers=writer)
    assert created.status_code == 200, created.get_json()
    body = created.get_json()
    assert (body["id"], body["name"], body["email"], body["canSignIn"]) == ("crm-42", "Ann Smith", "ann@example.com",
                                                                            False)
    again = client.put("/api/v1/shoppers/crm-42", json={"name": "Ann Jones", "email": None}, headers=writer)
    assert again.status_code == 200 and again.get_json()["name"] == "Ann Jones" and again.get_json()["email"] is None
    # A new shopper acts at once: their events are accepted and their list is served.
    event = {"user_id": "crm-42", "product_id": "22697", "type": "purchase"}
    assert client.post("/api/v1/events", json=event, headers=writer).status_code == 200
    merchandiser = bearer(merchandiser_token)
    listed = client.get("/api/v1/recommendations?user_id=crm-42&strategy=content", headers=merchandiser)
    assert listed.status_code == 200 and listed.get_json()["items"]
    assert client.delete("/api/v1/shoppers/crm-42", headers=writer).status_code == 204
    assert shop.read("MATCH (u:User {id: 'crm-42'}) RETURN u") == []
    gone = client.get("/api/v1/recommendations?user_id=crm-42&strategy=content", headers=merchandiser)
    assert gone.status_code == 404 and _error(gone)["field"] == "user_id"
    # The order stays, with its lines, naming nobody.
    orders = shop.read("MATCH (o:Order)-[:CONTAINS]->(:Product {id: '22697'}) WHERE NOT ()-[:PLACED]->(o) "
                       "RETURN count(o) AS orders")
    assert orders == [{"orders": 1}]
    assert client.delete("/api/v1/shoppers/crm-42", headers=writer).status_code == 204


def test_erasing_a_shopper_takes_their_rating_off_the_average(client, shop, writer, ada, bob):
    assert ada.post_json("/api/v1/events", {"product_id": "22112", "type": "rate", "value": 5}).status_code == 200
    assert bob.post_json("/api/v1/events", {"product_id": "22112", "type": "rate", "value": 1}).status_code == 200
    assert client.get("/api/v1/products/22112").get_json()["avgRating"] == 3
    assert client.delete("/api/v1/shoppers/u-bob", headers=writer).status_code == 204
    page = client.get("/api/v1/products/22112").get_json()
    assert page["avgRating"] == 5 and page["ratingCount"] == 1
    assert shop.read("MATCH (u:User) WHERE u.email = 'bob@example.com' RETURN u") == []


def test_an_email_in_use_and_a_merchandisers_account_are_a_409(client, shop, writer):
    response = client.put("/api/v1/shoppers/crm-7", json={"name": "X", "email": "ada@example.com"}, headers=writer)
    assert response.status_code == 409 and _error(response)["code"] == "email_taken"
    shop.write("CREATE (:User {id: 'm-1', email: 'm@example.com', name: 'Merch', role: 'merchandiser'})")
    for response in (client.put("/api/v1/shoppers/m-1", json={"name": "Y"}, headers=writer),
                     client.delete("/api/v1/shoppers/m-1", headers=writer)):
        assert response.status_code == 409 and _error(response)["code"] == "not_a_shopper"
    assert shop.read("MATCH (u:User {id: 'm-1'}) RETURN u.name AS name") == [{"name": "Merch"}]


@pytest.mark.parametrize("body, field", [
    ({}, "name"), ({"name": "   "}, "name"), ({"name": "A", "price": "3"}, "price"),
    ({"name": "A", "price": -1}, "price"),
    ({"name": "A", "currency": "usd"}, "currency"), ({"name": "A", "imageUrl": "ftp://x"}, "imageUrl"),
    ({"name": "A", "categories": "mugs"}, "categories"), ({"name": "A", "categories": [""]}, "categories[0]"),
    ({"name": "A", "tags": ["ok", 3]}, "tags[1]"), ({"name": "A", "colour": "red"}, "colour"),
    ({"name": "A", "brand": ""}, "brand"), (["A"], "body"), ({"name": "A", "tags": None}, "tags"),
])
def test_a_bad_product_is_a_400_naming_the_field_and_writes_nothing(client, shop, writer, body, field):
    response = client.put("/api/v1/products/NEW-1", json=body, headers=writer)
    assert response.status_code == 400 and _error(response)["field"] == field
    assert client.get("/api/v1/products/NEW-1").status_code == 404


def test_an_unknown_category_is_a_404_naming_it_and_writes_nothing(client, shop, writer):
    response = client.put("/api/v1/products/NEW-1", json={"name": "A", "categories": ["mugs", "nowhere"]},
                          headers=writer)
    assert response.status_code == 404 and _error(response)["field"] == "categories[1]"
    assert client.get("/api/v1/products/NEW-1").status_code == 404


def test_writes_need_an_integration_or_merchandiser_caller(client, shop, ada):
    assert client.put("/api/v1/products/NEW-1", json=MUG).status_code == 401
    assert client.delete("/api/v1/products/22423").status_code == 401
    response = ada.client.put("/api/v1/products/NEW-1", json=MUG, headers={"X-CSRFToken": ada.csrf})
    assert response.status_code == 403
    response = ada.client.delete("/api/v1/shoppers/u-bob", headers={"X-CSRFToken": ada.csrf})
    assert response.status_code == 403
    assert client.get("/api/v1/products/22423").status_code == 200
