"""Errors as the shopper or the API client should see them: JSON under /api, pages elsewhere, never a trace."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from neo4j.exceptions import ClientError, ConnectionAcquisitionTimeoutError, TransientError
from werkzeug.exceptions import HTTPException

from shopgraph.graph.db import GraphUnavailable
from shopgraph.graph.timeouts import timed_out

log = logging.getLogger(__name__)

#: Seconds a client is asked to wait after a 503 before trying again.
RETRY_AFTER_SECONDS = 5


class ApiError(Exception):
    """An API failure with its HTTP status, a stable code and a message naming the problem."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field
        self.headers = headers or {}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, code: str, message: str, field: str | None = None):
    body = {"error": {"code": code, "message": message}}
    if field:
        body["error"]["field"] = field
    return jsonify(body), status


def _page(status: int, title: str, message: str):
    try:
        return render_template("error.html", status=status, title=title, message=message), status
    except Exception:  # the error page itself must never fail
        log.exception("error page failed to render")
        return f"<h1>{status} {title}</h1><p>{message}</p>", status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(error: ApiError):
        body, status = json_error(error.status, error.code, error.message, error.field)
        return body, status, error.headers

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = (error.name or "error").lower().replace(" ", "_")
        if _wants_json():
            answer = json_error(error.code or 500, code, error.description or error.name)
        else:
            answer = _page(error.code or 500, error.name, error.description or "")
        # What the exception itself says beyond its page, e.g. the Allow header of a 405.
        headers = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
        return (*answer, headers)

    # Unreachable, and also busy: a deadlock, a lock wait or a pool with no free connection that the driver's
    # own retries did not get past is a moment's trouble, not a bug, so the client is told when to come back.
    def graph_down(error: Exception):
        log.warning("Neo4j unavailable: %s", error)
        message = "The shop's database is unreachable or busy; please try again shortly."
        if _wants_json():
            answer = json_error(503, "graph_unavailable", message)
        else:
            answer = _page(503, "Service unavailable", message)
        return (*answer, {"Retry-After": str(RETRY_AFTER_SECONDS)})

    for unavailable in (*GraphUnavailable, TransientError, ConnectionAcquisitionTimeoutError):
        app.register_error_handler(unavailable, graph_down)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        if _wants_json():
            return json_error(500, "internal_error", "Something went wrong on our side.")
        return _page(500, "Something went wrong", "Something went wrong on our side; please try again.")

    # A query Neo4j stopped at its timeout (graph.timeouts) is the database being slow right now: busy, as above.
    # Every other client error is a bug of ours.
    @app.errorhandler(ClientError)
    def client_error(error: ClientError):
        return graph_down(error) if timed_out(error) else unexpected(error)
