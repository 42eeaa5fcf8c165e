"""The publish lock: one training at a time publishes a model version into the graph (``models.publish``).

The lock is a ``(:PublishLock {id: 'models'})`` node naming the publish that holds it and when its lease runs out.
Every write of a publish runs in a transaction that first renews that lease (cypher/renew_publish_lock.cypher), so

- a publish writes only while it holds the lock: one that lost it (it stalled past its lease and another training
  took over) fails at its next write with ``LockLost`` instead of mixing its rows into the other's;
- when a training dies half-way its lease runs out by itself, and the next training takes the lock over.

``take`` waits up to ``wait`` seconds for a publish under way to finish, then gives up with ``LockBusy``, which
names that publish.
"""
from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import neo4j

from shopgraph.graph import queries
from shopgraph.graph.db import chunked

log = logging.getLogger(__name__)

#: Seconds a publish holds the lock without writing; every write renews it. Far longer than one batch takes.
LEASE_SECONDS = 120.0
#: Seconds between two tries at a lock another publish holds.
POLL_SECONDS = 2.0


class LockBusy(RuntimeError):
    """Another training holds the publish lock."""


class LockLost(RuntimeError):
    """The publish's lease ran out and another training took the lock over."""


def _describe(row: dict[str, Any]) -> str:
    """The publish holding the lock, in words, from a row of cypher/take_publish_lock.cypher."""
    since = row["since"].to_native().strftime("%Y-%m-%d %H:%M:%S UTC") if row.get("since") else "a moment ago"
    return f"version {row['version']} (on {row['host']}, process {row['pid']}, since {since})"


class PublishLock:
    """One publish's hold on the lock; use as a context manager after ``take``, which releases it at the end."""

    def __init__(self, graph, version: str, lease: float | None = None) -> None:
        self.graph, self.version = graph, version
        self.lease = LEASE_SECONDS if lease is None else lease
        self.holder = uuid.uuid4().hex

    def take(self, wait: float = 0.0, on_wait: Callable[[str], None] | None = None,
             poll: float = POLL_SECONDS) -> PublishLock:
        """Takes the lock, waiting up to ``wait`` seconds (telling ``on_wait`` once what it waits for)."""
        deadline = time.monotonic() + wait
        told = False
        while True:
            row = self.graph.write("take_publish_lock", holder=self.holder, version=self.version,
                                   host=socket.gethostname(), pid=os.getpid(), lease=self.lease)[0]
            if row["taken"]:
                return self
            busy = _describe(row)
            if time.monotonic() >= deadline:
                raise LockBusy(f"another training is publishing {busy}; try again when it is done (a training that "
                               f"died frees the lock within {self.lease:.0f} s)")
            if on_wait is not None and not told:
                on_wait(f"Waiting for the publish of {busy} to finish...")
                told = True
            time.sleep(min(poll, max(0.0, deadline - time.monotonic())))

    def write(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Rows of a named write, run in one transaction with the renewal of this publish's lease."""
        renew, statement = queries.query("renew_publish_lock"), queries.query(name)

        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            if not tx.run(renew, holder=self.holder, lease=self.lease).single(strict=True)["held"]:
                raise LockLost(f"the publish of version {self.version} lost the publish lock (it wrote nothing for "
                               f"{self.lease:.0f} s) and stopped; another training took it over")
            return [record.data() for record in tx.run(statement, params)]

        return self.graph.write_with(work)

    def write_batches(self, name: str, rows: Iterable[dict[str, Any]], batch_size: int,
                      on_batch: Callable[[int], None] | None = None, **params: Any) -> int:
        """``UNWIND $rows`` writes, a transaction per batch; returns the number of rows written."""
        written = 0
        for batch in chunked(rows, batch_size):
            self.write(name, rows=batch, **params)
            written += len(batch)
            if on_batch is not None:
                on_batch(len(batch))
        return written

    def write_until_done(self, name: str, limit: int, **params: Any) -> int:
        """Runs a write that does ``limit`` rows at a time (returning ``retired``) until it does fewer."""
        total = 0
        while True:
            done = self.write(name, limit=limit, **params)[0]["retired"]
            total += done
            if done < limit:
                return total

    def release(self) -> None:
        """Frees the lock (unless another training took it over). A failure is logged, not raised: the lease
        runs out by itself, and the publish's own error is the one to report."""
        try:
            self.graph.write("release_publish_lock", holder=self.holder)
        except Exception as error:  # noqa: BLE001 -- see the docstring
            log.warning("could not release the publish lock of version %s (%s); it frees itself within %.0f s",
                        self.version, error, self.lease)

    def __enter__(self) -> PublishLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
