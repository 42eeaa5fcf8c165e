"""A stalled database does not freeze the shop: a request's query that waits past the request timeout is a JSON 503
with Retry-After, while batch work (loaders, training) waits as long as it must."""
from __future__ import annotations

import pytest

from shopgraph.graph.db import Graph
from shopgraph.graph.tokens import Tokens
from shopgraph.webapp.app import close_app, create_app
from tests.webapp.shop import bearer
from tests.webapp.stall import in_background, lock_held_on, wait_until_blocked

RATING = {"user_id": "u-ada", "product_id": "22423", "type": "rate", "value": 4}


@pytest.fixture
def quick_app(shop, neo4j_settings, monkeypatch):
    """The shop with a one-second request timeout, set as an operator would."""
    monkeypatch.setenv("SHOPGRAPH_QUERY_TIMEOUT", "1")
    app = create_app({"TESTING": True, "NEO4J_SETTINGS": neo4j_settings, "SECRET_KEY": "test"})
    yield app
    close_app(app)


def test_a_request_stuck_behind_a_lock_is_a_503_while_batch_work_waits_it_out(quick_app, shop, neo4j_settings):
    client = quick_app.test_client()
    token = Tokens(shop).create("integration")[1]
    loader = Graph(neo4j_settings)  # what `shopgraph load` and `shopgraph train` use
    try:
        with lock_held_on(shop, "MATCH (u:User {id: 'u-ada'}) SET u.heldBy = 'a stalled transaction'"):
            thread, outcome = in_background(lambda: loader.write(
                "MATCH (u:User {id: 'u-ada'}) SET u.loadedBy = 'the loader' RETURN u.id AS id"))
            wait_until_blocked(shop, "the loader")
            stuck = client.post("/api/v1/events", headers=bearer(token), json=RATING)
        thread.join(60)
    finally:
        loader.close()

    assert stuck.status_code == 503
    assert stuck.get_json()["error"]["code"] == "graph_unavailable"
    assert int(stuck.headers["Retry-After"]) > 0
    assert outcome == [[{"id": "u-ada"}]], "the loader waited longer than the request timeout, and wrote"
    assert shop.read_value("MATCH (u:User {id: 'u-ada'}) RETURN u.loadedBy") == "the loader"
    assert shop.read_value("MATCH (:User {id: 'u-ada'})-[r:RATED]->(:Product {id: '22423'}) RETURN count(r)") == 0
    again = client.post("/api/v1/events", headers=bearer(token), json=RATING)
    assert again.status_code == 200, "the shop answers again once the database does"


def test_the_app_and_batch_work_have_their_own_timeouts(quick_app, neo4j_settings, monkeypatch):
    monkeypatch.setenv("SHOPGRAPH_BATCH_TIMEOUT", "3600")
    with Graph(neo4j_settings) as batch:
        assert (quick_app.extensions["neo4j"].timeout, batch.timeout) == (1.0, 3600.0)
    monkeypatch.setenv("SHOPGRAPH_QUERY_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="SHOPGRAPH_QUERY_TIMEOUT"):
        create_app({"TESTING": True, "NEO4J_SETTINGS": neo4j_settings, "SECRET_KEY": "test"})
