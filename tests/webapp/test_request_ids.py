"""Request ids: in the X-Request-ID response header, in JSON error bodies, in every log line of the request."""
from __future__ import annotations

import logging
import re
import subprocess
import sys

import pytest

from shopgraph.webapp import logs

GENERATED = re.compile(r"[0-9a-f]{32}")


def test_every_response_names_its_own_request(client):
    first = client.get("/api/v1/health/live").headers["X-Request-ID"]
    second = client.get("/api/v1/openapi.json").headers["X-Request-ID"]
    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second)
    assert first != second


def test_a_well_formed_incoming_id_is_kept(client):
    response = client.get("/api/v1/health/live", headers={"X-Request-ID": "edge-7f3a.2:1_b"})
    assert response.headers["X-Request-ID"] == "edge-7f3a.2:1_b"


@pytest.mark.parametrize("incoming", ["two words", "x" * 129, "", '"quoted"', "a=b;c"])
def test_a_malformed_incoming_id_is_replaced(client, incoming):
    response = client.get("/api/v1/health/live", headers={"X-Request-ID": incoming})
    assert GENERATED.fullmatch(response.headers["X-Request-ID"])


def test_json_errors_carry_the_request_id(client, shop):
    response = client.get("/api/v1/products/no-such-product", headers={"X-Request-ID": "report-me-1"})
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["request_id"] == "report-me-1"
    assert (error["code"], error["field"]) == ("not_found", "product_id"), "the rest of the error is as it was"


def test_the_error_of_an_unreachable_graph_carries_it_too(client_without_neo4j):
    response = client_without_neo4j.get("/api/v1/health")
    assert response.status_code == 503
    assert response.get_json()["error"]["request_id"] == response.headers["X-Request-ID"]


def test_log_lines_written_for_a_request_carry_its_id(client_without_neo4j, caplog):
    caplog.handler.setFormatter(logs.RequestIdFormatter(logs.FORMAT))
    with caplog.at_level(logging.WARNING, logger="shopgraph.webapp"):
        response = client_without_neo4j.get("/api/v1/health", headers={"X-Request-ID": "trace-me-2"})
    assert response.status_code == 503
    lines = [line for line in caplog.text.splitlines() if "Neo4j unavailable" in line]
    assert lines and all("request_id=trace-me-2 shopgraph.webapp.errors:" in line for line in lines)


def test_the_app_logs_with_request_ids_where_nothing_else_set_logging_up():
    """As in a gunicorn worker or under the dev server: a fresh process, the app factory, nothing else."""
    script = "\n".join([
        "import logging",
        "from shopgraph.webapp.app import create_app",
        "app = create_app({'SECRET_KEY': 'x'})",
        "with app.test_request_context(headers={'X-Request-ID': 'fresh-process-3'}):",
        "    logging.getLogger('shopgraph.webapp.example').warning('written while handling a request')",
        "logging.getLogger('shopgraph.webapp.example').warning('written outside any request')",
    ])
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "request_id=fresh-process-3 shopgraph.webapp.example: written while handling a request" in result.stderr
    assert "request_id=- shopgraph.webapp.example: written outside any request" in result.stderr
