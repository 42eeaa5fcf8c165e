"""The bench's own Neo4j instance, and the environment the bench's subprocesses run in.

The bench loads, replicates and trains on data it then throws away, so it never uses the demo's
server (nor ``NEO4J_URI``): it starts a fresh local instance named ``bench`` on free loopback
ports, and stops it when the run ends, however it ends. The instance's data is deleted at both
ends of the run; its logs stay in ``.shopgraph/bench/logs`` for a post-mortem.
"""
from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from shopgraph.graph import server
from shopgraph.graph.config import current
from shopgraph.graph.settings import LocalServer, Neo4jSettings


class BenchError(RuntimeError):
    """The bench could not set something up; the message says what and where to look."""


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def bench_neo4j(name: str = "bench") -> Iterator[Neo4jSettings]:
    """A fresh, empty Neo4j instance for the run; stopped (and its data deleted) on exit."""
    bolt = free_port()
    http = free_port()
    while http == bolt:
        http = free_port()
    instance = LocalServer(name=name, bolt_port=bolt, http_port=http)
    status = server.status(instance)
    if status.running:
        raise BenchError(f"another bench holds the Neo4j instance {instance.folder} (pid {status.pid}); "
                         "wait for it to finish")
    shutil.rmtree(instance.folder, ignore_errors=True)
    try:
        state, _ = server.start(instance)
    except server.ServerError as error:
        raise BenchError(f"the bench's Neo4j did not start: {error}") from error
    try:
        yield Neo4jSettings(uri=instance.uri, user="neo4j", password=state.password or "")
    finally:
        server.stop(instance)
        shutil.rmtree(instance.folder / "data", ignore_errors=True)


def child_environment(settings: Neo4jSettings, artefacts: Path) -> dict[str, str]:
    """The environment of `shopgraph train|serve|token` when they work for the bench.

    They reach the bench's graph through ``NEO4J_URI`` and keep model artefacts in the bench's
    scratch folder, so neither the demo's graph nor its trained models change.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEO4J_")}
    env.update(
        NEO4J_URI=settings.uri,
        NEO4J_USER=settings.user,
        NEO4J_PASSWORD=settings.password,
        NEO4J_DATABASE=settings.database,
        SHOPGRAPH_ARTIFACTS=str(artefacts),
        SHOPGRAPH_SECRET_KEY=current().secret_key or os.urandom(24).hex(),
        # The load generator's clients share one address and one token while standing for many shoppers; the
        # per-address limit on events is for one real client, so it would measure the throttle, not the shop.
        SHOPGRAPH_EVENTS_LIMIT="1000000 per minute",
        PYTHONUNBUFFERED="1",
    )
    # A per-request access log would measure the log file as much as the shop.
    env.pop("SHOPGRAPH_ACCESS_LOG", None)
    return env
