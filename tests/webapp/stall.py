"""Test helpers for a stalled database: a write lock held by another transaction, and waiting (bounded, by
condition) until a transaction is blocked behind it."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager

from shopgraph.graph.db import Graph

#: The longest a helper waits for the graph to reach the state a test needs before it gives up.
PATIENCE = 60.0


@contextmanager
def lock_held_on(graph: Graph, statement: str, **params):
    """Holds the write locks ``statement`` takes, in an open transaction, until the block ends (rolled back).
    The transaction names no limit of its own (0), so no server timeout ends it early."""
    with graph.driver.session(database=graph.database) as session:
        tx = session.begin_transaction(timeout=0)
        try:
            tx.run(statement, params).consume()
            yield
        finally:
            tx.rollback()


def wait_until_blocked(graph: Graph, marker: str) -> None:
    """Returns once a transaction whose query contains ``marker`` waits for a lock."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        waiting = graph.read_value("SHOW TRANSACTIONS YIELD currentQuery, status "
                                   "WHERE currentQuery CONTAINS $marker AND status STARTS WITH 'Blocked' "
                                   "RETURN count(*)", marker=marker)
        if waiting:
            return
        time.sleep(0.05)
    raise AssertionError(f"no transaction running {marker!r} came to wait for the lock")


def in_background(work) -> tuple[threading.Thread, list]:
    """Runs ``work`` in a thread; the list receives its result or the exception it raised."""
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as error:  # handed to the test thread
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome
