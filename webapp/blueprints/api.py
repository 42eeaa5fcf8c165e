"""The JSON API under /api/v1."""
from __future__ import annotations

from flask import Blueprint, jsonify

from webapp.neo4j_ext import graph

blueprint = Blueprint("api", __name__)


@blueprint.get("/health")
def health():
    """Up when Neo4j answers a read; the GraphUnavailable handler turns a dead server into a 503."""
    graph().ping()
    return jsonify({"status": "ok", "neo4j": "up"})
