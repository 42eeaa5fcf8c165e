"""The local server's lifecycle and the schema, against the real Neo4j of the test session."""
from __future__ import annotations

import os
import re

import pytest
from click.testing import CliRunner

from shopgraph.cli import main
from shopgraph.graph import server
from shopgraph.graph.settings import CYPHER_DIR


def test_status_reports_the_running_server_and_its_password(neo4j_settings, test_server, monkeypatch):
    monkeypatch.setenv("SHOPGRAPH_NEO4J_INSTANCE", test_server.name)
    monkeypatch.setenv("SHOPGRAPH_NEO4J_BOLT_PORT", str(test_server.bolt_port))
    monkeypatch.setenv("SHOPGRAPH_NEO4J_HTTP_PORT", str(test_server.http_port))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    result = CliRunner().invoke(main, ["neo4j", "status"])
    assert result.exit_code == 0, result.output
    assert "is running" in result.output
    assert neo4j_settings.password in result.output
    assert test_server.browser_url in result.output


def test_start_when_running_says_so_and_succeeds(neo4j_settings, test_server, monkeypatch):
    monkeypatch.setenv("SHOPGRAPH_NEO4J_INSTANCE", test_server.name)
    monkeypatch.setenv("SHOPGRAPH_NEO4J_BOLT_PORT", str(test_server.bolt_port))
    monkeypatch.setenv("SHOPGRAPH_NEO4J_HTTP_PORT", str(test_server.http_port))
    result = CliRunner().invoke(main, ["neo4j", "start"])
    assert result.exit_code == 0, result.output
    assert "already running" in result.output


def test_stop_when_stopped_says_so_and_succeeds(tmp_path, monkeypatch):
    monkeypatch.setenv("SHOPGRAPH_HOME", str(tmp_path))
    monkeypatch.setenv("SHOPGRAPH_NEO4J_INSTANCE", "never-started")
    result = CliRunner().invoke(main, ["neo4j", "stop"])
    assert result.exit_code == 0
    assert "not running" in result.output


def test_missing_java_names_the_install_command(monkeypatch):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    try:
        server.java_executable()
    except server.ServerError as error:
        assert "apt-get install" in str(error) and "make install" in str(error)
    else:
        raise AssertionError("no error without java")


def test_external_server_is_used_and_never_started(monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "neo4j://db.example:7687")
    result = CliRunner().invoke(main, ["neo4j", "start"])
    assert result.exit_code == 0
    assert "runs none of its own" in result.output


def test_neo4j_browser_is_served(neo4j_settings, test_server):
    import urllib.request

    with urllib.request.urlopen(test_server.browser_url, timeout=10) as response:
        page = response.read().decode()
    assert response.status == 200
    assert "Neo4j Browser" in page


def test_bolt_needs_the_generated_password(neo4j_settings):
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError

    with GraphDatabase.driver(neo4j_settings.uri, auth=("neo4j", "neo4j")) as driver:
        try:
            driver.verify_connectivity()
        except AuthError:
            pass
        else:
            raise AssertionError("the default password was accepted: auth is off")


def test_schema_has_every_key_constraint_and_the_search_indexes(session_graph):
    session_graph.apply_schema()  # a second application changes nothing
    constraints = {(row["labels"][0], row["properties"][0])
                   for row in session_graph.read("SHOW CONSTRAINTS YIELD labelsOrTypes AS labels, properties")}
    assert {("Product", "id"), ("Category", "id"), ("Brand", "name"), ("Tag", "name"), ("User", "id"),
            ("User", "email"), ("Order", "id"), ("Rule", "id"), ("RecommendationList", "id")} <= constraints
    indexes = {row["name"]: row["type"] for row in session_graph.read("SHOW INDEXES YIELD name, type")}
    assert indexes["product_text"] == "FULLTEXT"
    assert indexes["product_embedding"] == "VECTOR"


def test_every_node_merged_by_a_key_has_a_uniqueness_constraint_on_it(session_graph):
    """A MERGE on a key without a constraint scans every node of the label: each served list once cost a
    scan of every list logged before it."""
    session_graph.apply_schema()
    constraints = {(row["labels"][0], row["properties"][0])
                   for row in session_graph.read("SHOW CONSTRAINTS YIELD labelsOrTypes AS labels, properties")}
    merged = {(label, key) for path in CYPHER_DIR.glob("*.cypher")
              for label, key in re.findall(r"MERGE \(\w*:(\w+) \{(\w+):", path.read_text())}

    assert merged, "no MERGE by key found: the pattern no longer matches the library"
    assert merged <= constraints, f"merged without a constraint: {sorted(merged - constraints)}"


def test_the_server_runs_with_the_heap_it_is_configured_for(session_graph):
    """The heap in neo4j.conf reaches the JVM: the server is a plain ``java`` command, which reads no
    neo4j.conf, so the start command must pass it on (``-Xms``/``-Xmx``) as Neo4j's launcher would."""
    if os.environ.get("NEO4J_URI"):
        pytest.skip("an external server's heap is its own")
    configured = os.environ["SHOPGRAPH_NEO4J_HEAP"]
    units = {"k": 2**10, "m": 2**20, "g": 2**30}
    expected = int(configured[:-1]) * units[configured[-1].lower()]
    heap = session_graph.read_value(
        "CALL dbms.queryJmx('java.lang:type=Memory') YIELD attributes "
        "RETURN attributes.HeapMemoryUsage.value.properties.max AS max")
    assert heap == expected
