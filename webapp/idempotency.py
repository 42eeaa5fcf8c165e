"""The ``Idempotency-Key`` request header: a write the client may retry without doing it twice.

``POST /api/v1/events`` and ``POST /checkout`` accept it. Keys belong to the caller (an API token or a
signed-in shopper) and the endpoint, so two clients' keys never meet. The same key with the same body
gets the first answer again (same status and JSON, header ``Idempotent-Replayed: true``) and writes
nothing; the same key with a different body is a 409 ``idempotency_key_reused``. Keys are kept 24 hours
(``IDEMPOTENCY_TTL_SECONDS``), then removed. Without a key, a write whose commit answer was lost is a 503
``outcome_unknown`` with ``Retry-After``: the client cannot know whether it landed, and should send keys.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from flask import current_app, request
from neo4j.exceptions import IncompleteCommit

from shopgraph.graph.db import Graph
from shopgraph.graph.idempotency import DEFAULT_TTL_SECONDS, IdempotentWrites, KeyReused, Outcome, Work
from shopgraph.webapp.errors import ApiError
from shopgraph.webapp.neo4j_ext import graph

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
#: 1 to 255 visible ASCII characters (a UUID is the usual choice).
KEY_PATTERN = f"^[!-~]{{1,{MAX_KEY_LENGTH}}}$"
_KEY = re.compile(KEY_PATTERN)
RETRY_AFTER_SECONDS = 2


class InvalidKey(ValueError):
    pass


def requested_key() -> str | None:
    """The request's key, None without one; ``InvalidKey`` for one that is empty, too long or not visible ASCII."""
    value = request.headers.get(HEADER)
    if value is None:
        return None
    if not _KEY.match(value):
        raise InvalidKey(f"{HEADER} must be 1 to {MAX_KEY_LENGTH} visible ASCII characters, e.g. a UUID.")
    return value


def fingerprint(body: Any) -> str:
    """The same for the same JSON body, whatever the order of its keys or its spacing."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _key_id(scope: str, key: str) -> str:
    return hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()


def write_once(scope: str, key: str | None, body: Any, work: Work, safe_to_repeat: bool = False,
               alone: Callable[[Graph], tuple[int, Any]] | None = None) -> Outcome:
    """Runs ``work`` in a write transaction, once per ``key`` of ``scope`` (caller and endpoint) when a key is
    given. Raises ``KeyReused`` (key seen with another body) and, without a key, an ``ApiError`` 503 when the
    commit's outcome is unknown -- unless ``work`` is ``safe_to_repeat`` (checkout), which is then run again.
    ``alone``: the same write done without a transaction of the caller's (``graph.events.record_alone``), used
    when there is no key to write with it."""
    if key is None:
        try:
            status, answer = alone(graph()) if alone is not None else graph().write_with(work)
        except IncompleteCommit:
            if safe_to_repeat:
                return Outcome(*graph().write_with(work))
            raise ApiError(503, "outcome_unknown", "The database did not confirm the write, so it may or may not "
                           f"be recorded. Send an {HEADER} header to retry writes safely.",
                           headers={"Retry-After": str(RETRY_AFTER_SECONDS)}) from None
        return Outcome(status, answer)
    ttl = current_app.config.get("IDEMPOTENCY_TTL_SECONDS", DEFAULT_TTL_SECONDS)
    return IdempotentWrites(graph(), ttl).run(_key_id(scope, key), fingerprint(body), work)


def api_write_once(scope: str, body: Any, work: Work,
                   alone: Callable[[Graph], tuple[int, Any]] | None = None) -> Outcome:
    """``write_once`` for the JSON API, its header read from the request and its refusals as ``ApiError``."""
    try:
        key = requested_key()
    except InvalidKey as error:
        raise ApiError(400, "invalid_parameter", str(error), HEADER) from None
    try:
        return write_once(scope, key, body, work, alone=alone)
    except KeyReused:
        raise ApiError(409, "idempotency_key_reused", f"This {HEADER} was used with a different request body; "
                       "use a new key for a new request.", HEADER) from None


def replay_headers(outcome: Outcome) -> dict[str, str]:
    return {REPLAYED_HEADER: "true"} if outcome.replayed else {}
