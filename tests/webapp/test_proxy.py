"""Behind a reverse proxy (``SHOPGRAPH_PROXY_HOPS``): shoppers are told apart by the address the proxy forwards,
and only when the operator says a proxy is there; a forwarded request never passes for one made on this machine."""
from __future__ import annotations

import pytest
from werkzeug.test import EnvironBuilder

from shopgraph.webapp.app import close_app, create_app
from tests.webapp.shop import BOB, csrf_token

WRONG = "Guess-number-1"
PROXY = "127.0.0.1"


@pytest.fixture
def app_behind(shop, neo4j_settings, monkeypatch):
    """The shop with SHOPGRAPH_PROXY_HOPS set as an operator would, behind one proxy on this machine."""

    def make(hops: str):
        monkeypatch.setenv("SHOPGRAPH_PROXY_HOPS", hops)
        app = create_app({"TESTING": True, "NEO4J_SETTINGS": neo4j_settings, "SECRET_KEY": "test"})
        made.append(app)
        return app

    made: list = []
    yield make
    for app in made:
        close_app(app)


def shopper_via_proxy(app, address: str):
    """A browser whose requests reach the app through the proxy, which names the browser's address."""
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)
    return client


def wrong_passwords(client, times: int) -> list[int]:
    return [client.post("/signin", data={"email": BOB["email"], "password": WRONG,
                                         "csrf_token": csrf_token(client, "/signin")}).status_code
            for _ in range(times)]


def test_with_one_hop_two_shoppers_behind_the_proxy_are_throttled_apart(app_behind):
    app = app_behind("1")
    guesser, other = shopper_via_proxy(app, "203.0.113.9"), shopper_via_proxy(app, "198.51.100.7")

    assert wrong_passwords(guesser, 6) == [401] * 5 + [429]
    assert wrong_passwords(other, 1) == [401], "a shopper at another address is not held back"


def test_without_hops_the_forwarded_address_is_ignored(app_behind):
    app = app_behind("0")
    guesser, other = shopper_via_proxy(app, "203.0.113.9"), shopper_via_proxy(app, "198.51.100.7")

    assert wrong_passwords(guesser, 6) == [401] * 5 + [429]
    assert wrong_passwords(other, 1) == [429], "anyone can write X-Forwarded-For: the connection's address counts"


@pytest.mark.parametrize("hops", ["0", "1"])
def test_metrics_never_take_a_forwarded_request_for_this_machine(app_behind, hops):
    app = app_behind(hops)
    local = app.test_client()

    assert local.get("/metrics").status_code == 200, "Prometheus on this machine, straight to the app"
    for header in ({"X-Forwarded-For": "127.0.0.1"}, {"X-Forwarded-Host": "shop.example"},
                   {"Forwarded": "for=127.0.0.1"}, {"X-Real-IP": "127.0.0.1"}):
        assert local.get("/metrics", headers=header).status_code == 403, header


@pytest.mark.parametrize("hops, address, scheme", [("1", "203.0.113.9", "https"), ("0", PROXY, "http")])
def test_the_access_log_names_the_shopper_only_behind_a_trusted_proxy(app_behind, hops, address, scheme):
    app = app_behind(hops)
    environ = EnvironBuilder(path="/api/v1/health/live", environ_base={"REMOTE_ADDR": PROXY},
                             headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}).get_environ()

    b"".join(app(environ, lambda status, headers: None))

    # gunicorn writes its access line (%(h)s) from the environ it handed the app, once the app is done with it
    assert (environ["REMOTE_ADDR"], environ["wsgi.url_scheme"]) == (address, scheme)
