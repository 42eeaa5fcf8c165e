"""The health endpoint, up and down."""
from __future__ import annotations

from graph.settings import Neo4jSettings


def test_health_is_ok_when_neo4j_answers(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.get_json()["neo4j"] == "up"


def test_health_is_a_json_503_when_neo4j_is_unreachable():
    from webapp.app import create_app

    dead = Neo4jSettings(uri="neo4j://127.0.0.1:1", user="neo4j", password="x")
    app = create_app({"TESTING": True, "NEO4J_SETTINGS": dead})
    response = app.test_client().get("/api/v1/health")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "graph_unavailable"
    assert "Traceback" not in response.get_data(as_text=True)
    app.extensions["neo4j"].close()
