"""What a list built live costs: the path of a shopper who just acted, whose stored list no longer holds.

The HTTP phases ask for shoppers whose lists were stored after training, so at every scale they measure
the stored path. This part asks the recommendation service itself, in the bench's process and one shopper
at a time, to build the default strategy's lists live (stored lists and the per-shopper cache both out of play): the
history read, every candidate source in one traversal, the blend. Its growth with the data is the cost
of fresh feedback as the shop grows.
"""
from __future__ import annotations

import time
from pathlib import Path

from shopgraph.graph.db import Graph
from shopgraph.models.serving import DEFAULT_STRATEGY, CachePolicy, RecommendationService
from shopgraph.models.stored_lists import store_lists


def measure_live_builds(graph: Graph, artefacts: Path, user_ids: list[str], count: int = 300) -> dict:
    """Latency of ``count`` live builds of the default strategy (k=10) for the first shoppers of ``user_ids``, in ms."""
    service = RecommendationService(graph, artefacts_dir=artefacts,
                                    caching=CachePolicy(lists_size=0, stored_max_age=-1.0))
    service.warm_up()
    asked = user_ids[:count]
    for user in asked[:10]:              # the plans of every query cached, as in a worker that has served
        service.recommend(user, 10, DEFAULT_STRATEGY)
    timings = []
    for user in asked:
        began = time.perf_counter()
        service.recommend(user, 10, DEFAULT_STRATEGY)
        timings.append((time.perf_counter() - began) * 1000.0)
    timings.sort()
    return {
        "shoppers": len(timings),
        "latency_ms": {name: round(timings[min(len(timings) - 1, int(q * len(timings)))], 2)
                       for name, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))} if timings else None,
        "mean_ms": round(sum(timings) / len(timings), 2) if timings else None,
    }


def restore_lists(graph: Graph, artefacts: Path, user_ids: list[str]) -> None:
    """Stores these shoppers' lists again (as ``shopgraph recommend --users FILE --store`` would), so that what
    they did in one scale's live phases does not carry over into the next scale's."""
    store_lists(RecommendationService(graph, artefacts_dir=artefacts, caching=CachePolicy(lists_size=0)), user_ids)
