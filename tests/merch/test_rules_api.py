"""/api/v1/rules: merchandisers create, list, switch and delete rules; bad rules are refused, naming the field."""
from __future__ import annotations

import pytest

from tests.webapp.shop import bearer


@pytest.fixture
def api(client, merchandiser_token):
    """Calls to the rules API with a merchandiser token."""

    class Api:
        def get(self, path=""):
            return client.get(f"/api/v1/rules{path}", headers=bearer(merchandiser_token))

        def post(self, body):
            return client.post("/api/v1/rules", json=body, headers=bearer(merchandiser_token))

        def patch(self, path, body):
            return client.patch(f"/api/v1/rules{path}", json=body, headers=bearer(merchandiser_token))

        def delete(self, path):
            return client.delete(f"/api/v1/rules{path}", headers=bearer(merchandiser_token))

    return Api()


@pytest.mark.parametrize("kind, target_type, target_id, name", [
    ("pin", "product", "22423", "REGENCY CAKESTAND 3 TIER"),
    ("boost", "category", "kitchen", "Kitchen"),
    ("bury", "brand", "Homely", "Homely"),
    ("exclude", "product", "85123A", "WHITE HANGING HEART T-LIGHT HOLDER"),
])
def test_each_kind_of_rule_is_created_and_listed(api, kind, target_type, target_id, name):
    created = api.post({"kind": kind, "target_type": target_type, "target_id": target_id, "note": "campaign"})

    assert created.status_code == 200, created.get_json()
    rule = created.get_json()
    assert rule["kind"] == kind and rule["active"] is True and rule["note"] == "campaign"
    assert rule["target"] == {"type": target_type, "id": target_id, "name": name}
    assert [r["id"] for r in api.get().get_json()["rules"]] == [rule["id"]]
    assert api.get(f"/{rule['id']}").get_json() == rule


def test_a_rule_with_dates_and_a_weight_keeps_them(api):
    rule = api.post({"kind": "boost", "target_type": "category", "target_id": "christmas", "weight": 2.5,
                     "starts_at": "2024-12-01", "ends_at": "2024-12-26T00:00:00Z"}).get_json()

    assert rule["weight"] == 2.5
    assert rule["starts_at"] == "2024-12-01T00:00:00+00:00"
    assert rule["ends_at"] == "2024-12-26T00:00:00+00:00"


def test_a_rule_is_switched_off_and_on_and_deleted(api):
    rule_id = api.post({"kind": "pin", "target_type": "product", "target_id": "22423"}).get_json()["id"]

    assert api.patch(f"/{rule_id}", {"active": False}).get_json()["active"] is False
    assert api.get(f"/{rule_id}").get_json()["active"] is False
    assert api.patch(f"/{rule_id}", {"active": True}).get_json()["active"] is True
    assert api.delete(f"/{rule_id}").get_json() == {"deleted": rule_id}
    assert api.get(f"/{rule_id}").status_code == 404
    assert api.delete(f"/{rule_id}").status_code == 404


@pytest.mark.parametrize("body, status, field, words", [
    ({"kind": "pin", "target_type": "product", "target_id": "no-such-product"}, 404, "target_id", "no product"),
    ({"kind": "boost", "target_type": "category", "target_id": "no-such-category"}, 404, "target_id", "no category"),
    ({"kind": "bury", "target_type": "brand", "target_id": "Nobody"}, 404, "target_id", "no brand"),
    ({"kind": "boost", "target_type": "product", "target_id": "22423", "weight": -1}, 400, "weight", "negative"),
    ({"kind": "boost", "target_type": "product", "target_id": "22423", "weight": "lots"}, 400, "weight", "number"),
    ({"kind": "pin", "target_type": "product", "target_id": "22423", "starts_at": "2024-12-10",
      "ends_at": "2024-12-01"}, 400, "ends_at", "after starts_at"),
    ({"kind": "pin", "target_type": "product", "target_id": "22423", "starts_at": "next week"}, 400, "starts_at",
     "ISO 8601"),
    ({"kind": "promote", "target_type": "product", "target_id": "22423"}, 400, "kind", "pin, boost, bury, exclude"),
    ({"kind": "pin", "target_type": "shelf", "target_id": "22423"}, 400, "target_type", "product, category, brand"),
    ({"kind": "pin", "target_type": "product"}, 400, "target_id", "target_id"),
    ({"kind": "pin", "target_type": "product", "target_id": "22423", "colour": "red"}, 400, "colour", "Unknown"),
])
def test_bad_rules_are_refused_naming_the_field(api, body, status, field, words):
    response = api.post(body)

    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["field"] == field
    assert words in error["message"], error["message"]
    assert api.get().get_json()["rules"] == [], "nothing is stored"


def test_a_body_that_is_not_a_json_object_is_refused(client, merchandiser_token):
    response = client.post("/api/v1/rules", data="kind=pin", headers={**bearer(merchandiser_token),
                                                                      "Content-Type": "text/plain"})

    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "body"


def test_only_active_can_change(api):
    rule_id = api.post({"kind": "pin", "target_type": "product", "target_id": "22423"}).get_json()["id"]

    response = api.patch(f"/{rule_id}", {"weight": 3})

    assert response.status_code == 400 and response.get_json()["error"]["field"] == "active"


def test_a_session_write_needs_the_csrf_token(mia):
    body = {"kind": "pin", "target_type": "product", "target_id": "22423"}

    assert mia.post_json("/api/v1/rules", body, csrf=False).status_code == 400
    assert mia.post_json("/api/v1/rules", body).status_code == 200
