"""Session fixtures: a real Neo4j server started for the tests, and the Flask app on top of it.

The test server is its own instance (``.shopgraph/test-<port>/``, ports from
``SHOPGRAPH_TEST_BOLT_PORT``/``SHOPGRAPH_TEST_HTTP_PORT``), so tests never touch the demo's data.
With ``NEO4J_URI`` set the tests use that server instead -- and wipe it, so point it at a scratch one.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from shopgraph.graph import server
from shopgraph.graph.db import Graph
from shopgraph.graph.settings import LocalServer, Neo4jSettings

TESTS = Path(__file__).parent


def data_dir() -> Path:
    folder = os.environ.get("SHOPGRAPH_DATA_DIR")
    if not folder:
        pytest.skip("SHOPGRAPH_DATA_DIR is not set (it names the folder of shared datasets)")
    return Path(folder)


@pytest.fixture(scope="session")
def test_server() -> LocalServer:
    bolt = int(os.environ.get("SHOPGRAPH_TEST_BOLT_PORT", "7697"))
    http = int(os.environ.get("SHOPGRAPH_TEST_HTTP_PORT", "7484"))
    return LocalServer(name=f"test-{bolt}", bolt_port=bolt, http_port=http)


@pytest.fixture(scope="session")
def neo4j_settings(test_server: LocalServer) -> Neo4jSettings:
    if os.environ.get("NEO4J_URI"):
        yield Neo4jSettings.from_env()
        return
    os.environ.setdefault("SHOPGRAPH_NEO4J_HEAP", "1g")
    os.environ.setdefault("SHOPGRAPH_NEO4J_PAGECACHE", "512m")
    state, started = server.start(test_server)
    yield Neo4jSettings(uri=test_server.uri, user="neo4j", password=state.password)
    if started:
        server.stop(test_server)


@pytest.fixture(scope="session")
def session_graph(neo4j_settings: Neo4jSettings) -> Graph:
    graph = Graph(neo4j_settings)
    graph.apply_schema()
    yield graph
    graph.close()


@pytest.fixture
def graph(session_graph: Graph) -> Graph:
    """An empty graph with the schema applied."""
    session_graph.wipe()
    return session_graph


@pytest.fixture
def app(graph: Graph, neo4j_settings: Neo4jSettings):
    from shopgraph.webapp.app import close_app, create_app

    app = create_app({"TESTING": True, "NEO4J_SETTINGS": neo4j_settings, "SECRET_KEY": "test"})
    yield app
    close_app(app)


@pytest.fixture
def client(app):
    return app.test_client()
