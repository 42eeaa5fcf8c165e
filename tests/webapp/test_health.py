"""The health endpoints, up and down: /health (Neo4j answers), /health/live and /health/ready."""
from __future__ import annotations

from shopgraph.graph.settings import Neo4jSettings
from tests.webapp.operations import UNREACHABLE, app_on, trained_version


def test_health_is_ok_when_neo4j_answers(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.get_json()["neo4j"] == "up"


def test_health_is_a_json_503_when_neo4j_is_unreachable():
    from shopgraph.webapp.app import close_app, create_app

    dead = Neo4jSettings(uri="neo4j://127.0.0.1:1", user="neo4j", password="x")
    app = create_app({"TESTING": True, "NEO4J_SETTINGS": dead})
    response = app.test_client().get("/api/v1/health")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "graph_unavailable"
    assert "Traceback" not in response.get_data(as_text=True)
    close_app(app)


# -- liveness and readiness ------------------------------------------------------------------------
def test_live_answers_without_asking_neo4j(client_without_neo4j):
    response = client_without_neo4j.get("/api/v1/health/live")
    assert response.status_code == 200
    assert response.get_json() == {"status": "alive"}


def test_ready_names_the_model_served_when_neo4j_answers(graph, neo4j_settings, tmp_path):
    version = trained_version(tmp_path, graph)
    with app_on(neo4j_settings, tmp_path) as app:
        response = app.test_client().get("/api/v1/health/ready")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["neo4j"], body["model"]["version"]) == ("ready", "up", version)


def test_ready_is_a_503_until_a_model_is_trained(graph, neo4j_settings, tmp_path):
    with app_on(neo4j_settings, tmp_path) as app:
        response = app.test_client().get("/api/v1/health/ready")
    assert response.status_code == 503
    body = response.get_json()
    assert (body["status"], body["neo4j"], body["model"]) == ("not_ready", "up", None)
    assert body["error"]["code"] == "not_ready" and "shopgraph train" in body["error"]["message"]
    assert response.headers["Retry-After"]


def test_ready_is_a_503_when_neo4j_does_not_answer(tmp_path):
    version = trained_version(tmp_path)
    with app_on(UNREACHABLE, tmp_path) as app:
        response = app.test_client().get("/api/v1/health/ready")
    assert response.status_code == 503
    body = response.get_json()
    # The live version is the graph's to say: a worker that never reached it knows none.
    assert version and (body["status"], body["neo4j"], body["model"]) == ("not_ready", "down", None)
    assert "graph database does not answer" in body["error"]["message"]
