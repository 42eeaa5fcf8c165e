"""Bounds on what a request may make the app read: the body's size, the URL's length, JSON's depth.

- Bodies over ``MAX_CONTENT_LENGTH`` (1 MiB unless ``SHOPGRAPH_MAX_BODY_BYTES`` says otherwise) are refused
  with 413 before anything reads them, JSON under /api and the error page elsewhere.
- API URLs (path and query) over ``MAX_URL_BYTES`` (4000 unless ``SHOPGRAPH_MAX_URL_BYTES`` says otherwise)
  are a JSON 414. gunicorn lets request lines up to its maximum, 8190 bytes, reach the app
  (``webapp.gunicorn_conf``), so the app answers every URL between the two; only a request line over 8190
  bytes gets gunicorn's own (HTML) 414. Shop pages keep taking long URLs (an overlong search is shortened and
  shown), up to that server limit.
- JSON too deeply nested for the parser (e.g. 100,000 ``[``) is malformed JSON, a 400, never a 500.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import RequestEntityTooLarge, RequestURITooLarge

from shopgraph.graph.config import current


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, with nesting too deep to parse reported as the malformed JSON it is."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def configure(app: Flask) -> None:
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default is None: no limit at all
        app.config["MAX_CONTENT_LENGTH"] = current().max_body_bytes
    app.config.setdefault("MAX_URL_BYTES", current().max_url_bytes)


def init_app(app: Flask) -> None:
    app.json = BoundedJSONProvider(app)
    # Registered before every other before_request hook: nothing (sign-in, CSRF) reads an oversized request.
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_oversized)


def _refuse_oversized() -> None:
    config = current_app.config
    url_bytes = len(request.environ.get("PATH_INFO", "").encode("latin-1", "replace")) + \
        len(request.environ.get("QUERY_STRING", "").encode("latin-1", "replace"))
    if url_bytes > config["MAX_URL_BYTES"] and request.path.startswith("/api/"):
        raise RequestURITooLarge(f"The URL is longer than {config['MAX_URL_BYTES']} bytes.")
    limit = config["MAX_CONTENT_LENGTH"]
    if limit is not None and request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge(f"The request body is larger than {limit} bytes.")
