"""Bare extension instances; the app factory binds them to an app."""
from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from shopgraph.webapp.neo4j_ext import Neo4j

neo4j = Neo4j()
# Request throttling; its limits, storage and answers are set up by webapp.throttling.init_app.
limiter = Limiter(key_func=get_remote_address)
