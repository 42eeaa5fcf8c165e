"""Every request's id, so that a shopper's or an integrator's report leads to the log lines of their request.

A well-formed ``X-Request-ID`` sent by the client or a proxy in front is kept (the same id then names the request
in every system it crossed); otherwise one is made up. The id goes back in the ``X-Request-ID`` response header
and in JSON error bodies (``error.request_id``), whichever code wrote them, and ``webapp.logs`` writes it in every
log line of the request.
"""
from __future__ import annotations

import re
import uuid

from flask import Flask, current_app, g, has_request_context, request

HEADER = "X-Request-ID"
#: An incoming id is kept when it is 1-128 letters, digits, '-', '_', '.' or ':' (UUIDs, hex ids, most tracers'
#: ids). Anything else -- spaces, quotes or a line break that could forge a log line, a kilobyte of text -- is
#: replaced by a fresh id.
WELL_FORMED = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def current() -> str | None:
    """The id of the request being handled; None outside a request."""
    if not has_request_context():
        return None
    if "request_id" not in g:
        incoming = request.headers.get(HEADER, "")
        g.request_id = incoming if WELL_FORMED.fullmatch(incoming) else uuid.uuid4().hex
    return g.request_id


def init_app(app: Flask) -> None:
    app.after_request(_stamp)


def _stamp(response):
    request_id = current()
    if request_id is None:  # cannot happen: after_request runs inside the request
        return response
    response.headers[HEADER] = request_id
    if response.status_code >= 400 and response.is_json and not response.is_streamed:
        _add_to_error_body(response, request_id)
    return response


def _add_to_error_body(response, request_id: str) -> None:
    """``{"error": {...}}`` gains ``request_id``; one place for every error, whichever handler wrote it."""
    body = response.get_json(silent=True)
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body["error"]["request_id"] = request_id
        response.set_data(current_app.json.dumps(body) + "\n")
