"""When the list stored for a shopper stands for their list, and how what they did since is folded into it.

A stored list (``models.stored_lists``) holds for the default strategy, the model version now published, at most
``max_age`` old and at least k long. If the shopper did nothing since it was made, it is served as it is; if
what they did since can be folded (``models.fresh_feedback``), it is served with that folded in; otherwise the
list is built live.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable

from shopgraph.graph.recommendations import ShopperState
from shopgraph.models.candidate_sources import CandidateSources
from shopgraph.models.fresh_feedback import fold, foldable, fresh_seeds
from shopgraph.models.rules import Ranked


class StoredRanking:
    """``served(path)`` is told which path each ranking took: "stored" or "folded"."""

    def __init__(self, strategy: str, sources: CandidateSources, max_age: float, reasons: int,
                 served: Callable[[str], None]) -> None:
        self.strategy = strategy
        self.sources = sources
        self.max_age = max_age
        self.reasons = reasons
        self.served = served

    def ranking(self, state: ShopperState, strategy: str, k: int) -> list[Ranked] | None:
        """The shopper's stored list as a ranking, with what they did since folded in; None when the list must
        be built live."""
        stored = state.stored
        if (strategy != self.strategy or stored is None
                or (stored.version or None) != self.sources.model_version() or len(stored.product_ids) < k
                or stored.made_at is None or time.time() - stored.made_at > self.max_age):
            return None
        if stored.made_for != state.activity and not foldable(state.fresh):
            return None
        category = self.sources.category
        ranked = [Ranked(pid, score, json.loads(because), category(pid))
                  for pid, score, because in zip(stored.product_ids, stored.scores, stored.because, strict=True)]
        if stored.made_for == state.activity:
            self.served("stored")
            return ranked
        self.served("folded")
        return self._fold(state, ranked)

    def _fold(self, state: ShopperState, stored: list[Ranked]) -> list[Ranked]:
        """The stored ranking with what the shopper did since folded in: one walk from the fresh products."""
        pool = self.sources.fresh(fresh_seeds(state.fresh))
        ranked = fold(stored, pool, state.excluded, self.reasons)
        for item in ranked:
            if item.category is None:
                item.category = self.sources.category(item.product_id)
        if len(ranked) < len(stored):
            ranked += self.sources.backfill(ranked, state.excluded)
        return ranked
