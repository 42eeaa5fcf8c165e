"""The Flask app factory: a list of named steps, no global app."""
from __future__ import annotations

import secrets
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from shopgraph.graph.config import current
from shopgraph.webapp import limits, logs, metrics_endpoint, request_ids, security
from shopgraph.webapp.errors import register_error_handlers
from shopgraph.webapp.extensions import neo4j
from shopgraph.webapp.timed_graph import TimedGraph


def create_app(config: dict[str, Any] | None = None) -> Flask:
    # First, every setting: a bad value stops the app here, named, rather than in some request later.
    current()
    # Then logging: Flask gives its logger a handler of its own (without request ids) when it finds none.
    logs.configure()
    app = Flask(__name__)
    configure(app, config)
    trust_proxies(app)
    register_extensions(app)
    register_blueprints(app)
    register_operations(app)
    register_error_handlers(app)
    return app


def close_app(app: Flask, timeout: float = 10.0) -> bool:
    """Ends the app's work in the right order: the recommendation lists and clicks still queued are written,
    the shelf cards' background read ends, and only then the driver closes (the driver's close is not safe while
    a thread still uses it). False if lists or clicks were left unwritten after ``timeout`` seconds."""
    written = True
    if "online_metrics" in app.extensions:
        written = app.extensions["online_metrics"].close(timeout=timeout)
    if "shelf_cache" in app.extensions:
        app.extensions["shelf_cache"].close(timeout=timeout)
    app.extensions["neo4j"].close()
    return written


def configure(app: Flask, config: dict[str, Any] | None) -> None:
    settings = current()
    app.config.update(
        # Every worker must share one key for sessions to survive across workers; `shopgraph serve` sets it.
        SECRET_KEY=settings.secret_key or secrets.token_hex(32),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        PROXY_HOPS=settings.proxy_hops,
    )
    if config:
        app.config.update(config)
    limits.configure(app)


def trust_proxies(app: Flask) -> None:
    """Behind ``PROXY_HOPS`` reverse proxies, the shopper's address, scheme and host are the ones those proxies
    forwarded, so throttling and the access log count shoppers rather than the proxy. With none (the default)
    ``X-Forwarded-*`` is ignored: anyone could send it."""
    hops = app.config["PROXY_HOPS"]
    if hops:
        # Flask's documented way to add WSGI middleware; mypy sees a method being replaced.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def register_extensions(app: Flask) -> None:
    limits.init_app(app)
    neo4j.init_app(app)
    # Every query the app sends is timed for /metrics.
    app.extensions["neo4j"] = TimedGraph(app.extensions["neo4j"])
    security.init_app(app)


def register_blueprints(app: Flask) -> None:
    from shopgraph.webapp.blueprints import registered

    for blueprint, prefix in registered():
        app.register_blueprint(blueprint, url_prefix=prefix)


def register_operations(app: Flask) -> None:
    """What the people running the shop see: request ids (headers, error bodies, logs) and /metrics."""
    request_ids.init_app(app)
    metrics_endpoint.init_app(app)
