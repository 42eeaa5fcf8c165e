"""The web app's graph handle, timed: ``TimedGraph`` wraps the app's ``graph.db.Graph`` and times every query.

Each read or write lands in ``shopgraph_graph_query_duration_seconds`` under its query's name: the name it was
called with, or for the serving hot path (which passes a named query's text to ``read_rows``) the name of the
``cypher/`` file holding that text. Anything else is "inline", and a transaction function of several statements
"transaction", so the label stays a short fixed set. Everything else (the driver, ``ping``, ``close``) is the
wrapped graph's own. The command line's jobs (loading, training) use a plain ``Graph``: they are not scraped.
"""
from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from shopgraph.graph import queries
from shopgraph.graph.db import Graph
from shopgraph.webapp import ops_metrics

_NAME = re.compile(r"[a-z0-9_]+")


@functools.cache
def _names_by_statement() -> dict[str, str]:
    return {queries.query(name): name for name in queries.names()}


def query_label(name_or_text: str) -> str:
    """The name a query is counted under: its own, its file's, or "inline"."""
    if _NAME.fullmatch(name_or_text):
        return name_or_text
    return _names_by_statement().get(name_or_text, "inline")


@contextmanager
def _timed(query: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:  # a query that failed or timed out took its time too
        ops_metrics.observe_graph_query(query, time.perf_counter() - started)


class TimedGraph:
    """A ``Graph`` whose queries are timed (a wrapper rather than a subclass: it takes the graph the app made).

    One timing per call: the wrapped ``read_one`` calls its own ``read``, not this one.
    """

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def __getattr__(self, name: str) -> Any:
        return getattr(self.graph, name)

    def read(self, name_or_text: str, *args: Any, **params: Any) -> list[dict[str, Any]]:
        with _timed(query_label(name_or_text)):
            return self.graph.read(name_or_text, *args, **params)

    def read_one(self, name_or_text: str, **params: Any) -> dict[str, Any] | None:
        with _timed(query_label(name_or_text)):
            return self.graph.read_one(name_or_text, **params)

    def read_value(self, name_or_text: str, **params: Any) -> Any:
        with _timed(query_label(name_or_text)):
            return self.graph.read_value(name_or_text, **params)

    def read_rows(self, statement: str, **params: Any) -> list[tuple]:
        with _timed(query_label(statement)):
            return self.graph.read_rows(statement, **params)

    def write(self, name_or_text: str, **params: Any) -> list[dict[str, Any]]:
        with _timed(query_label(name_or_text)):
            return self.graph.write(name_or_text, **params)

    def write_statement(self, name_or_text: str, **params: Any) -> list[dict[str, Any]]:
        with _timed(query_label(name_or_text)):
            return self.graph.write_statement(name_or_text, **params)

    def read_with(self, work: Callable[..., Any]) -> Any:
        with _timed("transaction"):
            return self.graph.read_with(work)

    def write_with(self, work: Callable[..., Any]) -> Any:
        with _timed("transaction"):
            return self.graph.write_with(work)
