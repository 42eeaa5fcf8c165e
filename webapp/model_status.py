"""Which trained model version this worker serves, for readiness and /metrics.

It is the version the recommendation service reads its hybrid weights and multi ranker from: the folder of the
version the graph has made live (``models.serving_artefacts``), looked at again every half minute, so a new training
run shows here without a restart. Only its version and training time are told, never the rest of its metadata.
"""
from __future__ import annotations

from typing import Any

from neo4j.exceptions import DriverError, Neo4jError

from shopgraph.webapp import recommender


def live_model() -> dict[str, Any] | None:
    """``{"version", "created"}`` of the live version; None while nothing is trained, or while the graph that
    names the live version cannot be asked and this worker has served none yet."""
    try:
        metadata = recommender.service().artefacts.current()
    except (DriverError, Neo4jError):  # unreachable, refused, busy: the graph cannot say
        return None
    if not metadata:
        return None
    return {"version": str(metadata.get("version") or ""), "created": metadata.get("created")}
