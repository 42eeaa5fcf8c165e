"""When the list stored for a shopper stands for their list, and how what they did since is folded into it.

A stored list (``models.stored_lists``) holds for the default strategy, the model version now published, at most
``max_age`` old and at least k long. If the shopper did nothing since it was made, it is served as it is; if
what they did since can be folded (``models.fresh_feedback``), it is served with that folded in; otherwise the
list is built live. Either way the state read (``walk`` says what it prepares for a fold) is the only read.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable

from shopgraph.graph.recommendations import NO_FOLD, FoldWalk, ShopperState
from shopgraph.models.candidate_sources import CandidateSources
from shopgraph.models.fresh_feedback import FRESH_LIMIT, FRESH_SHARE, fold, fold_walk, foldable, fresh_pool
from shopgraph.models.rules import Ranked

#: The trending products the state read may check for topping a folded list up (CandidateSources.backfill): a
#: fold drops at most a few stored products, and the stored list and the fresh candidates are skipped.
BACKFILL_CHECKED = 100


class StoredRanking:
    """``served(path)`` is told which path each ranking took: "stored" or "folded"."""

    def __init__(self, strategy: str, sources: CandidateSources, max_age: float, reasons: int,
                 served: Callable[[str], None], fresh_share: Callable[[], float] = lambda: FRESH_SHARE) -> None:
        self.strategy = strategy
        self.sources = sources
        self.fresh_share = fresh_share
        self.max_age = max_age
        self.reasons = reasons
        self.served = served

    def walk(self, strategy: str) -> FoldWalk:
        """What the state read should prepare for a fold of a list of ``strategy``: nothing unless a stored list
        may serve it."""
        if strategy != self.strategy:
            return NO_FOLD
        head = tuple(row.product_id for row in self.sources.selling_now()[:BACKFILL_CHECKED])
        return fold_walk(self.sources.limits, head)

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
        # One parse of every item's evidence: fifty parses of a few bytes each cost more than twice as much.
        evidence = json.loads("[" + ",".join(stored.because) + "]")
        ranked = [Ranked(pid, score, because, category(pid))
                  for pid, score, because in zip(stored.product_ids, stored.scores, evidence, strict=True)]
        if stored.made_for == state.activity:
            self.served("stored")
            return ranked
        folded = self._fold(state, ranked)
        if folded is not None:
            self.served("folded")
        return folded

    def _fold(self, state: ShopperState, stored: list[Ranked]) -> list[Ranked] | None:
        """The stored ranking with what the shopper did since folded in, from what the state read brought (the
        fresh candidates, the exclusions among them and the stored list, the trending products to top up from);
        None when the list must be built live after all."""
        ranked = fold(stored, fresh_pool(state.candidates), state.excluded, self.reasons, self.fresh_share())
        for item in ranked:
            if item.category is None:
                item.category = self.sources.category(item.product_id)
        if len(ranked) < len(stored):
            # Only the trending products the state read let through may top the list up: the others were not
            # checked against the shopper's history, or were and must not be shown.
            trending = self.sources.selling_now()
            unchecked = {row.product_id for row in trending} - state.backfill
            ranked += self.sources.backfill(ranked, state.excluded | unchecked)
            if len(ranked) < len(stored) and (len(state.backfill) >= FRESH_LIMIT or len(trending) > BACKFILL_CHECKED):
                return None  # trending may hold more than the state read checked: build the list live
        return ranked
