"""Lists made ahead of time: every shopper's ranking by the default strategy, stored on their node so that
serving them is one small read (``RecommendationService.recommend_for``).

``shopgraph train`` stores them after publishing a version; ``shopgraph recommend --all-users --store``
refreshes them (run it nightly, so they stay younger than ``models.serving.STORED_MAX_AGE``). A stored list
is the live path's own ranking (``RecommendationService.list_to_store``), so a shopper's list does not jump
when they next act and serving switches to building it live.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from shopgraph.models.serving import RecommendationService

#: Shoppers ranked at once: their reads overlap in Neo4j, which has the cores Python lacks.
PARALLEL_SHOPPERS = 4
#: Lists written per transaction.
BATCH_SIZE = 500


@dataclass(frozen=True)
class StoredSummary:
    shoppers: int
    stored: int
    seconds: float

    def report(self) -> str:
        rate = self.stored / self.seconds if self.seconds > 0 else 0.0
        return (f"Stored lists for {self.stored:,} of {self.shoppers:,} shopper(s) in {self.seconds:.1f} s "
                f"({rate:,.0f} per second).")


def store_lists(service: RecommendationService, user_ids: Iterable[str],
                progress: Callable[[int], None] | None = None) -> StoredSummary:
    """Ranks and stores the list of every shopper in ``user_ids``; ``progress(n)`` after each batch."""
    started = time.perf_counter()
    users = list(user_ids)
    stored = 0
    with ThreadPoolExecutor(max_workers=PARALLEL_SHOPPERS) as pool:
        for first in range(0, len(users), BATCH_SIZE):
            batch = users[first:first + BATCH_SIZE]
            rows = [row for row in pool.map(service.list_to_store, batch) if row is not None]
            stored += service.repository.store_lists(rows)
            if progress is not None:
                progress(len(batch))
    return StoredSummary(len(users), stored, time.perf_counter() - started)
