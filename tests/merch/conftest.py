"""Fixtures for the merchandising tests: the web shop's fixtures and a signed-in merchandiser."""
from __future__ import annotations

import pytest

from shopgraph.graph.users import Users
from tests.merch.accounts import MERCHANDISER, merchandiser_hash
from tests.webapp.conftest import Shopper, ada, bob, integration_token, merchandiser_token, shop  # noqa: F401
from tests.webapp.shop import sign_in


@pytest.fixture
def mia(app, shop) -> Shopper:  # noqa: F811
    """A merchandiser, signed in with a session."""
    user = Users(shop).create(MERCHANDISER["email"], MERCHANDISER["name"], merchandiser_hash(), "merchandiser")
    client = app.test_client()
    return Shopper(client, user["id"], sign_in(client, MERCHANDISER))
