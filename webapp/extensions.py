"""Bare extension instances; the app factory binds them to an app."""
from __future__ import annotations

from webapp.neo4j_ext import Neo4j

neo4j = Neo4j()
