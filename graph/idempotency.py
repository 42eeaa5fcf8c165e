"""Idempotency keys in the graph: a write done once per key, its answer kept for replays.

``IdempotentWrites.run`` claims the key, does the write and stores the answer in ONE write transaction,
so the key and the write commit together or not at all. A second request with the key waits on the
key's lock while the first is in flight, then gets the stored answer (``Outcome.replayed``), or a
``KeyReused`` when its body differs. A commit whose answer was lost (the driver's ``IncompleteCommit``)
is tried once more: the key makes that safe, and the retry either finds the committed answer or does
the write that never landed. Keys expire after ``ttl_seconds`` (24 h by default); each new key deletes
a bounded batch of expired ones, so the keys kept stay bounded.
"""
from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import neo4j
from neo4j.exceptions import IncompleteCommit

from shopgraph.graph import queries
from shopgraph.graph.db import Graph

log = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS = 24 * 3600
CLEANUP_BATCH = 100


class KeyReused(Exception):
    """The key was used before with a different request body."""


@dataclass(frozen=True)
class Outcome:
    """An answer: the HTTP ``status`` and JSON ``body``; ``replayed`` when an earlier request made it."""

    status: int
    body: dict[str, Any]
    replayed: bool = False


#: A write inside a transaction, answering (status, JSON body); raising rolls the key back with it.
Work = Callable[[neo4j.ManagedTransaction], tuple[int, dict[str, Any]]]


class IdempotentWrites:
    def __init__(self, graph: Graph, ttl_seconds: int = DEFAULT_TTL_SECONDS) -> None:
        self.graph, self.ttl_seconds = graph, ttl_seconds

    def run(self, key_id: str, fingerprint: str, work: Work) -> Outcome:
        """Does ``work`` once for ``key_id`` (already scoped to the caller); raises ``KeyReused``."""
        try:
            outcome = self.graph.write_with(lambda tx: self._once(tx, key_id, fingerprint, work))
        except IncompleteCommit:
            log.warning("commit outcome unknown for idempotency key %s; trying again with the key", key_id[:12])
            outcome = self.graph.write_with(lambda tx: self._once(tx, key_id, fingerprint, work))
        if not outcome.replayed:
            self.expire()
        return outcome

    def _once(self, tx: neo4j.ManagedTransaction, key_id: str, fingerprint: str, work: Work) -> Outcome:
        claim = tx.run(queries.query("claim_idempotency_key"), id=key_id, attempt=uuid.uuid4().hex,
                       fingerprint=fingerprint, ttlSeconds=self.ttl_seconds).single(strict=True)
        if not claim["claimed"]:
            if claim["fingerprint"] != fingerprint:
                raise KeyReused(key_id)
            return Outcome(claim["status"], json.loads(claim["body"]), replayed=True)
        status, body = work(tx)
        tx.run(queries.query("store_idempotent_answer"), id=key_id, status=status,
               body=json.dumps(body, separators=(",", ":"))).consume()
        return Outcome(status, body)

    def expire(self, limit: int = CLEANUP_BATCH) -> int:
        """Deletes up to ``limit`` expired keys; a failure only postpones the cleanup to the next key."""
        try:
            return self.graph.write("expire_idempotency_keys", limit=limit)[0]["removed"]
        except Exception as error:  # the answer is already committed; cleanup must never fail the request
            log.warning("expired idempotency keys not removed: %s", error)
            return 0
