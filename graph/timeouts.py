"""How long the shop waits on Neo4j: every timeout in one place, each settable from the environment (``graph.config``).

- ``SHOPGRAPH_QUERY_TIMEOUT`` (seconds, default 10): each transaction of a web request. A query that runs longer,
  or waits that long for a lock, is stopped by Neo4j, and the shopper gets a 503 with ``Retry-After`` instead of
  a worker stuck behind a stalled database.
- ``SHOPGRAPH_BATCH_TIMEOUT`` (seconds, default 0: none): loaders, training's publish and the ``shopgraph``
  commands. Their transactions are large on purpose and an operator watches them, so the request timeout must
  not cut them short; set it to bound them too.
- ``SHOPGRAPH_NEO4J_TRANSACTION_TIMEOUT`` (a Neo4j duration, default ``60s``): the local server's
  ``db.transaction.timeout``, for the clients that name no timeout of their own (the Neo4j Browser,
  cypher-shell). ShopGraph's own transactions always name theirs, which takes precedence.

A server that stops answering altogether (frozen rather than gone) is noticed by the driver: the server sends a
keep-alive every ``KEEP_ALIVE`` while a query runs and tells the driver to give up on a connection that is silent
for twice that long.
"""
from __future__ import annotations

from neo4j.exceptions import Neo4jError

from shopgraph.graph.config import current

#: Seconds between the local server's keep-alive messages on a connection waiting for a query's answer.
KEEP_ALIVE_SECONDS = 5

#: What Neo4j answers when a transaction ran past its timeout: the server's default, the one the client named,
#: or (while waiting for a lock) "terminated, so no more locks can be acquired".
TIMED_OUT = frozenset({
    "Neo.ClientError.Transaction.TransactionTimedOut",
    "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
    "Neo.ClientError.Transaction.LockClientStopped",
})


def request_timeout() -> float:
    """Seconds a web request's transaction may take (``SHOPGRAPH_QUERY_TIMEOUT``, default 10)."""
    return current().query_timeout


def batch_timeout() -> float:
    """Seconds a batch transaction may take, 0 for no limit (``SHOPGRAPH_BATCH_TIMEOUT``, default 0)."""
    return current().batch_timeout


def server_transaction_timeout() -> str:
    """The local server's ``db.transaction.timeout`` (``SHOPGRAPH_NEO4J_TRANSACTION_TIMEOUT``, default 60s)."""
    return current().neo4j_transaction_timeout


def timed_out(error: BaseException) -> bool:
    """Whether the driver's error says the transaction was stopped by a timeout."""
    return isinstance(error, Neo4jError) and error.code in TIMED_OUT
