"""What the shop counts for Prometheus, and the small functions that count it.

Every series here is bounded: labels take values from short fixed sets (an endpoint's name, never a raw path;
a named query, never its text), so a crawler or a fuzzer cannot grow them. ``webapp.metrics_endpoint`` serves
them at ``/metrics``; under gunicorn each worker writes its values to ``$PROMETHEUS_MULTIPROC_DIR`` and the
scraped worker sums them all (``webapp.gunicorn_conf`` prepares that folder).

Callers outside the web app's own hooks:

- ``count_list(kind)``: the recommendation service, once per list it returns, saying how it made it;
- ``count_cache(cache, hits, misses)``: any per-process cache, on each lookup;
- ``count_impressions(...)`` / ``count_click()``: ``webapp.online_metrics``, as lists are shown and clicked;
- ``observe_graph_query(query, seconds)``: ``webapp.timed_graph``, around every query the app sends.
"""
from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

#: How a recommendation list was made: read as stored ahead of time, stored with what the shopper did since folded
#: in, taken from a worker's cache, or built live.
LIST_KINDS = ("stored", "folded", "cached", "live")

#: HTTP methods kept as they are in labels; anything else a client sends is counted as "other".
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUEST_SECONDS = Histogram(
    "shopgraph_http_request_duration_seconds",
    "Time from the request reaching the app to its response, per endpoint (the Flask endpoint name; "
    "'unmatched' for URLs no route serves), method and status class (2xx, 4xx, ...).",
    ["endpoint", "method", "status_class"])

REQUESTS_IN_PROGRESS = Gauge(
    "shopgraph_http_requests_in_progress",
    "Requests being handled now, summed over live workers.",
    multiprocess_mode="livesum")

LISTS = Counter(
    "shopgraph_recommendation_lists_total",
    "Recommendation lists returned to shoppers, by how they were made: stored (the list stored ahead of time "
    "still held), folded (the stored list with what the shopper did since folded in), cached (this worker's "
    "cache) or live (built from the shopper's history).",
    ["kind"])

CACHE_LOOKUPS = Counter(
    "shopgraph_cache_lookups_total",
    "Lookups of per-process caches, by cache and result (hit or miss); the hit rate is hits over all.",
    ["cache", "result"])

GRAPH_QUERY_SECONDS = Histogram(
    "shopgraph_graph_query_duration_seconds",
    "Wall time of queries the app sends to Neo4j, waiting for a connection included, per named query "
    "('inline' for text, 'transaction' for a unit of several statements).",
    ["query"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))

IMPRESSIONS = Counter(
    "shopgraph_recommendation_impressions_total",
    "Products shown in recommendation lists, per surface (api, home, product, ...) and strategy.",
    ["surface", "strategy"])

CLICKS = Counter(
    "shopgraph_recommendation_clicks_total",
    "Clicks on products of served recommendation lists; click-through is clicks over impressions.")

LOG_ROWS_DROPPED = Counter(
    "shopgraph_recommendation_log_dropped_total",
    "Served lists and clicks that were never written to the graph: queue_full (the writer's queue was full) "
    "or write_failed (every try of their batch failed).",
    ["reason"])


def count_list(kind: str) -> None:
    """One recommendation list returned to a shopper; ``kind`` is one of ``LIST_KINDS``."""
    if kind not in LIST_KINDS:
        raise ValueError(f"kind must be one of {', '.join(LIST_KINDS)}, not {kind!r}")
    LISTS.labels(kind).inc()


def count_cache(cache: str, hits: int = 0, misses: int = 0) -> None:
    """Lookups of the per-process cache named ``cache`` (a fixed name in the code, e.g. "shopper_lists"):
    ``count_cache("shopper_lists", hits=1)`` for one hit, or both counts for a batch of keys."""
    if hits:
        CACHE_LOOKUPS.labels(cache, "hit").inc(hits)
    if misses:
        CACHE_LOOKUPS.labels(cache, "miss").inc(misses)


def observe_graph_query(query: str, seconds: float) -> None:
    GRAPH_QUERY_SECONDS.labels(query).observe(seconds)


def count_impressions(surface: str, strategy: str, products: int) -> None:
    IMPRESSIONS.labels(surface, strategy).inc(products)


def count_click() -> None:
    CLICKS.inc()


def count_dropped(reason: str, rows: int = 1) -> None:
    LOG_ROWS_DROPPED.labels(reason).inc(rows)


def observe_request(endpoint: str | None, method: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(endpoint or "unmatched", method if method in METHODS else "other",
                           f"{status // 100}xx").observe(seconds)


def count_served(path: str) -> None:
    """The recommendation service's ``on_served`` hook: a list by its path, and the shopper-list cache's hit or
    miss (every list asked for is one lookup of that cache)."""
    count_list(path)
    count_cache("shopper_lists", hits=int(path == "cached"), misses=int(path != "cached"))
