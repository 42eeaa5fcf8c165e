"""Fixtures for the web shop: the fixture catalogue, signed-in shoppers, and API tokens.

CSRF stays on in these tests (the app fixture only sets TESTING): every write carries the token the
page's meta tag holds, and the tests that leave it out expect a refusal.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from shopgraph.graph.db import Graph
from shopgraph.graph.settings import Neo4jSettings
from shopgraph.graph.tokens import Tokens
from tests.webapp.shop import ADA, BOB, csrf_token, sign_in, stock


@pytest.fixture
def shop(graph):
    """The fixture shop: categories, a dozen products, shoppers Ada and Bob, and two past orders."""
    stock(graph)
    return graph


@dataclass
class Shopper:
    """A test client signed in as one shopper, with the CSRF token of its session."""

    client: object
    id: str
    csrf: str

    def post_json(self, path: str, body, csrf: bool = True):
        headers = {"X-CSRFToken": self.csrf} if csrf else {}
        return self.client.post(path, json=body, headers=headers)

    def post_form(self, path: str, data: dict, csrf: bool = True):
        return self.client.post(path, data={**data, **({"csrf_token": self.csrf} if csrf else {})})


@pytest.fixture
def ada(app, shop) -> Shopper:
    client = app.test_client()
    return Shopper(client, ADA["id"], sign_in(client, ADA))


@pytest.fixture
def bob(app, shop) -> Shopper:
    client = app.test_client()
    return Shopper(client, BOB["id"], sign_in(client, BOB))


@pytest.fixture
def visitor_csrf(client, shop) -> str:
    """The CSRF token of an anonymous visitor's session."""
    return csrf_token(client)


@pytest.fixture
def merchandiser_token(shop) -> str:
    return Tokens(shop).create("merchandiser")[1]


@pytest.fixture
def integration_token(shop) -> str:
    return Tokens(shop).create("integration")[1]


@pytest.fixture
def client_without_neo4j():
    """A test client of an app whose Neo4j does not answer (nothing listens on its port)."""
    from shopgraph.webapp.app import close_app, create_app

    dead = Neo4jSettings(uri="neo4j://127.0.0.1:1", user="neo4j", password="x")
    app = create_app({"TESTING": True, "NEO4J_SETTINGS": dead, "SECRET_KEY": "t"})
    # The driver retries a failed transaction for 30 s before giving up; a dead server need not take that long here.
    app.extensions["neo4j"].close()
    app.extensions["neo4j"] = Graph(dead, max_transaction_retry_time=0.2)
    try:
        yield app.test_client()
    finally:
        close_app(app)
