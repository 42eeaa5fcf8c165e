"""Whether this worker is ready for shoppers (``/api/v1/health/ready``): Neo4j answers and a model is loaded.

A load balancer or orchestrator polls it every few seconds, so each check is one statement with no retries: the
probe answers within its own timeout instead of after the driver's five seconds of retrying a dead server.
"""
from __future__ import annotations

import logging
from typing import Any

from neo4j.exceptions import DriverError, Neo4jError

from shopgraph.webapp import model_status
from shopgraph.webapp.neo4j_ext import graph

log = logging.getLogger(__name__)


def check() -> dict[str, Any]:
    """``{"status": "ready" | "not_ready", "neo4j": "up" | "down", "model": {"version", "created"} | None}``"""
    neo4j_up = _neo4j_answers()
    model = model_status.live_model()
    return {"status": "ready" if neo4j_up and model else "not_ready", "neo4j": "up" if neo4j_up else "down",
            "model": model}


def problem(state: dict[str, Any]) -> str:
    """What keeps a ``check()`` that is not ready from being ready, in words."""
    missing = []
    if state["neo4j"] != "up":
        missing.append("the graph database does not answer")
    if state["model"] is None:
        missing.append("no trained model is loaded (run `shopgraph train`)")
    return "Not ready: " + " and ".join(missing) + "."


def _neo4j_answers() -> bool:
    try:
        graph().read_rows("RETURN 1")
    except (DriverError, Neo4jError) as error:  # unreachable, refused, busy, wrong password: not usable
        log.warning("not ready: Neo4j does not answer: %s", error)
        return False
    return True
