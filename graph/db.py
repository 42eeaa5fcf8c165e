"""One driver per process and the transaction helpers every repository uses.

Reads run in read transactions (``execute_read``; the serving hot path's single statements as auto-commit
queries in READ sessions) so that a Neo4j cluster can route them to replicas; writes run in write
transactions, batched as ``UNWIND $rows`` for bulk loads. Every transaction function consumes its result
inside the transaction and is safe for the driver to retry. Statements are named files in ``cypher/`` or,
for the ``shopgraph cypher`` command, inline text; values always travel as parameters.

Every transaction names its timeout (``graph.timeouts``): a ``Graph`` does batch work (loaders, training, the
``shopgraph`` commands: no limit unless ``SHOPGRAPH_BATCH_TIMEOUT`` sets one) unless it is given another, as
the web app gives its own the request timeout.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

import neo4j
from neo4j import GraphDatabase, RoutingControl
from neo4j.exceptions import IncompleteCommit, ServiceUnavailable, SessionExpired, TransientError

from shopgraph.graph import queries, timeouts
from shopgraph.graph.settings import Neo4jSettings

#: Raised (by the driver) when no server answers; the web app maps it to HTTP 503.
GraphUnavailable = (ServiceUnavailable, SessionExpired)
#: How often ``Graph.write_statement`` runs a statement that failed for a passing reason (a deadlock).
STATEMENT_ATTEMPTS = 3


def _statement(name_or_text: str) -> str:
    return queries.query(name_or_text) if queries.is_name(name_or_text) else name_or_text


def chunked(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _report(done: Iterable[Future[int]], on_batch: Callable[[int], None] | None) -> int:
    """Rows written by finished batches (raising the first batch's error), told to ``on_batch``."""
    written = 0
    for future in done:
        rows = future.result()
        written += rows
        if on_batch:
            on_batch(rows)
    return written


def _records(result: neo4j.Result) -> list[dict[str, Any]]:
    return [record.data() for record in result]


class Graph:
    """A thread-safe handle on the shop's graph database.

    ``timeout``: seconds each of its transactions may take, 0 for no limit (default: the batch timeout).
    """

    def __init__(self, settings: Neo4jSettings | None = None, timeout: float | None = None,
                 **driver_options: Any) -> None:
        self.settings = settings or Neo4jSettings.from_env()
        self.timeout = timeouts.batch_timeout() if timeout is None else timeout
        # Any: each option has its own type, and ``driver_options`` may add any of the driver's keyword arguments.
        options: dict[str, Any] = {
            "connection_acquisition_timeout": 10.0,
            "max_connection_pool_size": 50,
            # Named queries mention every relationship type and property of the graph model, and a dataset
            # without ratings or likes would otherwise log a "does not exist" warning on each run.
            "notifications_disabled_classifications": ["UNRECOGNIZED"],
        }
        options.update(driver_options)
        self.driver = GraphDatabase.driver(
            self.settings.uri, auth=(self.settings.user, self.settings.password), **options
        )
        self.database = self.settings.database

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> Graph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _timed(self, work: Callable[[neo4j.ManagedTransaction], Any],
               timeout: float | None = None) -> Callable[[neo4j.ManagedTransaction], Any]:
        """The transaction function with its timeout: ``timeout`` if given, else this handle's."""
        return neo4j.unit_of_work(timeout=self.timeout if timeout is None else timeout)(work)

    def _query(self, text: str) -> neo4j.Query:
        """An auto-commit statement with this handle's timeout."""
        return neo4j.Query(text, timeout=self.timeout)

    # -- reads ------------------------------------------------------------------------------
    def read(self, name_or_text: str, timeout: float | None = None, **params: Any) -> list[dict[str, Any]]:
        """Rows of a read query, as dicts, from a read transaction (``timeout`` overrides the handle's)."""
        statement = _statement(name_or_text)

        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            return _records(tx.run(statement, params))

        with self.driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as session:
            return session.execute_read(self._timed(work, timeout))

    def read_one(self, name_or_text: str, **params: Any) -> dict[str, Any] | None:
        rows = self.read(name_or_text, **params)
        return rows[0] if rows else None

    def read_value(self, name_or_text: str, **params: Any) -> Any:
        row = self.read_one(name_or_text, **params)
        return next(iter(row.values())) if row else None

    def read_rows(self, statement: str, **params: Any) -> list[tuple]:
        """Rows of one read statement as plain tuples, for the serving hot path.

        It runs as an auto-commit query in a READ session: routed to a reader like a read transaction, in
        one round trip where ``execute_read`` takes three (BEGIN, RUN, COMMIT) -- a third of a stored
        list's cost. Without the managed transaction's retries a failed read fails at once (HTTP 503),
        which is what a shopper waiting on a page wants. Tuples skip the driver's conversion to dicts.
        """
        with self.driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as session:
            return [tuple(record) for record in session.run(self._query(statement), params)]

    def read_with(self, work: Callable[[neo4j.ManagedTransaction], Any]) -> Any:
        """Several reads in one read transaction (e.g. a page that needs a consistent view)."""
        with self.driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as session:
            return session.execute_read(self._timed(work))

    # -- writes -----------------------------------------------------------------------------
    def write(self, name_or_text: str, **params: Any) -> list[dict[str, Any]]:
        """Run one write statement in a write transaction and return its rows."""
        statement = _statement(name_or_text)

        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            return _records(tx.run(statement, params))

        with self.driver.session(database=self.database) as session:
            return session.execute_write(self._timed(work))

    def write_with(self, work: Callable[[neo4j.ManagedTransaction], Any]) -> Any:
        with self.driver.session(database=self.database) as session:
            return session.execute_write(self._timed(work))

    def write_statement(self, name_or_text: str, **params: Any) -> list[dict[str, Any]]:
        """One write statement that is a whole write by itself, committed on its own (an auto-commit transaction).

        One round trip where ``write`` takes three (BEGIN, RUN, COMMIT), and less work for Neo4j: a like written
        this way cost it half the processor time. A transient failure (a deadlock) wrote nothing and is tried
        again, as ``write`` would. A lost connection raises ``IncompleteCommit``, as a lost COMMIT answer does:
        the driver does not tell a statement lost on its way from one lost after it ran, so the write may or may
        not have landed, and the caller must say so (the API's 503 ``outcome_unknown``).
        """
        statement = self._query(_statement(name_or_text))
        for attempt in range(1, STATEMENT_ATTEMPTS + 1):
            try:
                with self.driver.session(database=self.database) as session:
                    return _records(session.run(statement, params))
            except TransientError:
                if attempt == STATEMENT_ATTEMPTS:
                    raise
            except GraphUnavailable as error:
                raise IncompleteCommit(f"the connection was lost while a write ran: {error}") from error
        raise AssertionError("unreachable")

    def write_batches(
        self,
        name_or_text: str,
        rows: Iterable[dict[str, Any]],
        batch_size: int = 5000,
        on_batch: Callable[[int], None] | None = None,
        writers: int = 1,
        **params: Any,
    ) -> int:
        """``UNWIND $rows`` writes, one transaction per batch; returns the number of rows written.

        Each batch commits on its own, so an interrupted load keeps what it finished and the
        MERGE-based statements let a rerun complete the rest without duplicates. With ``writers`` > 1,
        that many batches are in flight at once, each in its own session: while Neo4j commits one
        batch it executes the next on another core. The statement must then be safe to run in any
        order; a deadlock between two batches is a transient error that the driver retries.
        """
        statement = _statement(name_or_text)

        def write(batch: list[dict[str, Any]]) -> int:
            with self.driver.session(database=self.database) as session:
                session.execute_write(self._timed(lambda tx: tx.run(statement, rows=batch, **params).consume()))
            return len(batch)

        writers = max(1, writers)
        written = 0
        with ThreadPoolExecutor(max_workers=writers, thread_name_prefix="write-batches") as pool:
            in_flight: set[Future[int]] = set()
            try:
                for batch in chunked(rows, batch_size):
                    if len(in_flight) >= writers:
                        done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                        written += _report(done, on_batch)
                    in_flight.add(pool.submit(write, batch))
                written += _report(wait(in_flight).done, on_batch)
            finally:
                for future in in_flight:
                    future.cancel()
        return written

    def run_autocommit(self, text: str, **params: Any) -> None:
        """Statements that must not run in a managed transaction (schema, CALL IN TRANSACTIONS)."""
        with self.driver.session(database=self.database) as session:
            session.run(self._query(text), params).consume()

    # -- administration ---------------------------------------------------------------------
    def apply_schema(self) -> None:
        """Create every constraint and index in ``cypher/schema.cypher`` (each ``IF NOT EXISTS``)."""
        for statement in queries.statements("schema"):
            self.run_autocommit(statement)
        self.driver.execute_query(self._query("CALL db.awaitIndexes(300)"), database_=self.database)

    def wipe(self) -> None:
        """Delete every node and relationship, in batches so large graphs fit in memory.

        Relationships go first: a batch of nodes DETACH DELETEd together can drag along every edge of
        thousands of well-bought products, far more than a transaction's memory allows.
        """
        self.run_autocommit("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 50000 ROWS")
        self.run_autocommit("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 50000 ROWS")

    def ping(self) -> bool:
        self.driver.execute_query(self._query("RETURN 1"), database_=self.database, routing_=RoutingControl.READ)
        return True

    def counts(self, labels: Sequence[str] | None = None) -> dict[str, int]:
        """Node counts per label and relationship counts per type, from the count store."""
        rows = self.read(
            "CALL db.labels() YIELD label "
            "CALL (label) { MATCH (n) WHERE label IN labels(n) RETURN count(n) AS n } "
            "RETURN label AS name, n "
            "UNION ALL "
            "CALL db.relationshipTypes() YIELD relationshipType AS type "
            "CALL (type) { MATCH ()-[r]->() WHERE type(r) = type RETURN count(r) AS n } "
            "RETURN type AS name, n"
        )
        found = {row["name"]: row["n"] for row in rows}
        if labels is not None:
            return {label: found.get(label, 0) for label in labels}
        return found
