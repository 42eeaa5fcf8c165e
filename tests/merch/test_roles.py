"""Only merchandisers reach the dashboard and the rules API: visitors are sent to sign in (or get a 401),
shoppers and integration tokens get a 403."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.webapp.shop import bearer

PAGES = ["/merch", "/merch/shoppers", "/merch/products", "/merch/rules", "/merch/experiments"]
WRITES = ["/merch/rules", "/merch/experiments", "/merch/rules/r-1/delete", "/merch/experiments/x-1/switch"]


@pytest.mark.parametrize("path", PAGES)
def test_a_visitor_is_sent_to_sign_in(client, shop, path):
    response = client.get(path)

    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert target.path == "/signin" and parse_qs(target.query)["next"] == [path]


@pytest.mark.parametrize("path", PAGES)
def test_a_shopper_gets_403_on_every_page(ada, path):
    response = ada.client.get(path)

    assert response.status_code == 403
    assert 'class="merch-nav"' not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", WRITES)
def test_a_shopper_cannot_post_to_the_dashboard(ada, path):
    assert ada.post_form(path, {"kind": "exclude", "target_type": "product", "target_id": "22423"}).status_code == 403


def test_a_merchandiser_reaches_every_page(mia):
    for path in PAGES:
        assert mia.client.get(path).status_code == 200, path


def test_the_rules_api_needs_a_caller(client, shop):
    response = client.get("/api/v1/rules")

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_the_rules_api_refuses_a_shopper(ada):
    listing = ada.client.get("/api/v1/rules")
    creating = ada.post_json("/api/v1/rules", {"kind": "exclude", "target_type": "product", "target_id": "22423"})

    assert listing.status_code == 403 and creating.status_code == 403
    assert listing.get_json()["error"] == {"code": "forbidden", "message": "This needs the role merchandiser.",
                                           "request_id": listing.headers["X-Request-ID"]}


def test_the_rules_api_refuses_an_integration_token(client, integration_token):
    response = client.post("/api/v1/rules", json={"kind": "pin", "target_type": "product", "target_id": "22423"},
                           headers=bearer(integration_token))

    assert response.status_code == 403


def test_the_rules_api_serves_a_merchandiser_token_and_session(client, merchandiser_token, mia):
    assert client.get("/api/v1/rules", headers=bearer(merchandiser_token)).status_code == 200
    assert mia.client.get("/api/v1/rules").status_code == 200
