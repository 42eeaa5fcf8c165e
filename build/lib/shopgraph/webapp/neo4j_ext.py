"""The Flask extension that owns the app's one Neo4j driver (in ``app.extensions["neo4j"]``)."""
from __future__ import annotations

from flask import Flask, current_app

from shopgraph.graph.db import Graph
from shopgraph.graph.settings import Neo4jSettings
from shopgraph.graph.timeouts import request_timeout


class Neo4j:
    def init_app(self, app: Flask) -> None:
        settings = app.config.get("NEO4J_SETTINGS") or Neo4jSettings.from_env()
        # The driver connects lazily, so the app starts (and answers 503) while Neo4j is down.
        # A request gives up on a dead server after a few seconds (the driver's default is 30 s of retries),
        # and on a query that runs or waits for locks past the request timeout (graph.timeouts), so the shopper
        # sees the 503 page promptly and the worker is free again.
        app.extensions["neo4j"] = Graph(settings, timeout=app.config.get("NEO4J_QUERY_TIMEOUT", request_timeout()),
                                        max_transaction_retry_time=app.config.get("NEO4J_RETRY_SECONDS", 5.0))

    @property
    def graph(self) -> Graph:
        return current_app.extensions["neo4j"]


def graph() -> Graph:
    """The current app's graph handle."""
    return current_app.extensions["neo4j"]
