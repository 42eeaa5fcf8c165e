"""GET /api/v1/recommendations narrowed and paged (category, exclude, offset) and a visitor's list from the products
they viewed, against the real graph: filters really filter, whichever path made the list (live, stored, cached);
pages are disjoint pieces of one ranking; a viewed list names the viewed products and writes nothing."""
from __future__ import annotations

import pytest

from shopgraph.webapp import recommender
from tests.webapp.shop import bearer

KITCHEN = {"22423", "22720", "22697", "22699", "37370"}
LIGHTING = {"85123A", "71053", "21733", "23084"}


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["product_id"] for item in response.get_json()["items"]]


@pytest.fixture
def ask(client, merchandiser_token):
    headers = bearer(merchandiser_token)

    def get(query: str):
        return client.get(f"/api/v1/recommendations?{query}", headers=headers)

    return get


def _in_category(client, category: str) -> set[str]:
    body = client.get(f"/api/v1/products?category={category}&per_page=100").get_json()
    return {p["id"] for p in body["items"]}


@pytest.mark.parametrize("strategy", ["hybrid", "content", "collaborative", "popular"])
def test_a_category_filter_keeps_only_that_category_and_below_and_still_fills_k(client, shop, ask, strategy):
    kitchen = _ids(ask(f"user_id=17850&k=3&strategy={strategy}&category=kitchen"))
    assert set(kitchen) <= KITCHEN == _in_category(client, "kitchen")
    # 17850 bought lighting only: few kitchen products are among their candidates, yet the list is full.
    assert len(kitchen) == 3 and len(set(kitchen)) == 3
    lighting = _ids(ask(f"user_id=u-bob&k=10&strategy={strategy}&category=lighting"))
    assert set(lighting) == LIGHTING


def test_a_visitors_list_filters_too(client, shop, ask):
    assert set(_ids(ask("k=10&category=christmas"))) == {"22086", "22910"}
    assert set(_ids(ask("k=10&category=home"))) <= _in_category(client, "home")


def test_exclude_leaves_products_out_and_keeps_the_order_of_the_rest(shop, ask):
    full = _ids(ask("user_id=17850&k=8&strategy=hybrid"))
    assert len(full) >= 4
    left_out = full[:2]
    narrowed = _ids(ask(f"user_id=17850&k=6&strategy=hybrid&exclude={left_out[0]}&exclude={left_out[1]}"))
    assert not set(left_out) & set(narrowed)
    assert narrowed == full[2:]


def test_pages_are_disjoint_pieces_of_one_ranking(shop, ask):
    whole = _ids(ask("user_id=u-bob&k=4&strategy=hybrid"))
    first = _ids(ask("user_id=u-bob&k=2&strategy=hybrid&offset=0"))
    second = _ids(ask("user_id=u-bob&k=2&strategy=hybrid&offset=2"))
    assert len(whole) == 4 and first + second == whole and not set(first) & set(second)
    body = ask("user_id=u-bob&k=2&strategy=hybrid&offset=2").get_json()
    assert body["offset"] == 2 and body["k"] == 2
    assert _ids(ask("user_id=u-bob&k=2&strategy=hybrid&offset=200")) == []


def test_a_stored_list_is_used_when_the_filter_leaves_it_enough(app, shop, ask):
    with app.app_context():
        service = recommender.service()
        stored = service.list_to_store("u-bob")
        service.repository.store_lists([stored])
        kitchen_stored = [pid for pid in stored["ids"] if pid in KITCHEN]
        before = dict(service.served)
        narrowed = _ids(ask("user_id=u-bob&k=1&category=kitchen"))
        assert service.served["stored"] == before.get("stored", 0) + 1
        assert narrowed == kitchen_stored[:1]
        # More of the category than the stored list holds: built live, never padded with other categories.
        lighting = _ids(ask("user_id=u-bob&k=4&category=lighting"))
        assert set(lighting) == LIGHTING and service.served["live"] > before.get("live", 0)


def test_a_cached_list_never_shows_a_product_moved_out_of_the_category(client, shop, ask, integration_token):
    first = _ids(ask("user_id=u-bob&k=5&strategy=content&category=mugs"))
    assert "37370" in first
    moved = client.put("/api/v1/products/37370", json={"name": "Retro Coffee Mug", "categories": ["christmas"]},
                       headers=bearer(integration_token))
    assert moved.status_code == 200
    assert "37370" not in _ids(ask("user_id=u-bob&k=5&strategy=content&category=mugs"))


def test_a_visitors_list_from_viewed_products_names_them_and_writes_nothing(shop, client, integration_token):
    headers = bearer(integration_token)

    def counts():
        rows = shop.read("MATCH (n) WHERE NOT n:ListTally RETURN count(n) AS nodes, "
                         "COUNT { ()-[]->() } AS relationships")
        return rows[0]

    before = counts()
    response = client.get("/api/v1/recommendations?viewed=22697&k=10", headers=headers)
    items = {item["product_id"]: item for item in response.get_json()["items"]}
    assert response.status_code == 200 and response.get_json()["user_id"] is None
    assert "22697" not in items
    # Bought with the green teacup in Bob's basket, and like it: each names the product viewed.
    for neighbour in ("22699", "22423"):
        assert {"kind": "bought_with", "product": "22697"} in items[neighbour]["because"] or \
            any(e.get("product") == "22697" for e in items[neighbour]["because"]), items[neighbour]
    assert counts() == before
    with_unknown = client.get("/api/v1/recommendations?viewed=nope&viewed=22697&k=10", headers=headers)
    assert list(items) == _ids(with_unknown)


def test_viewed_lists_filter_and_page_like_any_other(shop, client, integration_token):
    headers = bearer(integration_token)
    whole = _ids(client.get("/api/v1/recommendations?viewed=22697&viewed=85123A&k=6", headers=headers))
    second = _ids(client.get("/api/v1/recommendations?viewed=22697&viewed=85123A&k=3&offset=3", headers=headers))
    assert second == whole[3:6]
    mugs = _ids(client.get("/api/v1/recommendations?viewed=85123A&category=mugs&k=5", headers=headers))
    assert mugs and set(mugs) <= {"22697", "22699", "37370"}


@pytest.mark.parametrize("query, status, field", [
    ("offset=-1", 400, "offset"), ("offset=201", 400, "offset"), ("offset=1&offset=2", 400, "offset"),
    ("category=nowhere", 404, "category"), ("exclude=%20", 400, "exclude"),
    ("viewed=" + "&viewed=".join(str(i) for i in range(21)), 400, "viewed"),
    ("viewed=22697&user_id=u-bob", 400, "viewed"),
])
def test_bad_filters_are_refused_naming_the_argument(shop, ask, query, status, field):
    response = ask(query)
    assert response.status_code == status
    assert response.get_json()["error"]["field"] == field
