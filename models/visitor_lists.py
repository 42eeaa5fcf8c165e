"""Lists for a visitor, whom the graph does not know: the shop-wide lists, or the neighbours of what they viewed.

A visitor's list may start from the products they viewed: the content and collaborative neighbours of those
products, each naming the one it came from, topped up with trending products. It is built per request and never
written to the graph (nothing an anonymous visitor does grows it).
"""
from __future__ import annotations

from collections import defaultdict

from shopgraph.graph.recommendations import Candidate, RecommendationRepository
from shopgraph.models import rules
from shopgraph.models.candidate_sources import GENERATOR_SOURCES, CandidateSources, Limits
from shopgraph.models.list_finishing import NO_FILTER, ListFilter, ListFinishing, Recommendation

#: How many viewed products a visitor's list starts from.
MAX_VIEWED = 20
#: The candidate walks a visitor's viewed products are followed through, per strategy: no shopper, so no
#: "shoppers like you"; any other strategy follows both generators' walks.
VIEWED_SOURCES = {
    "content": GENERATOR_SOURCES["content"],
    "collaborative": tuple(s for s in GENERATOR_SOURCES["collaborative"] if s != "shoppers_like_you"),
}


class VisitorLists:
    """One per recommendation service; strategies and k are checked by the caller."""

    def __init__(self, repository: RecommendationRepository, sources: CandidateSources, limits: Limits,
                 finishing: ListFinishing) -> None:
        self.repository, self.sources, self.limits, self.finishing = repository, sources, limits, finishing

    def shop_wide(self, k: int, strategy: str, wanted: ListFilter = NO_FILTER) -> list[Recommendation]:
        """Popular products for ``popular``, what sells now for any other strategy."""
        sources = self.sources
        # A narrowed list reads deeper into the shop-wide list, which is held in memory anyway.
        depth = self.limits.per_source if not wanted.narrows else self.limits.global_list
        shared = sources.popular.get() if strategy == "popular" else sources.selling_now()
        rows = shared[:max(depth, wanted.offset + k)]
        best = max((row.score for row in rows), default=1.0) or 1.0
        items = [rules.Ranked(row.product_id, row.score / best, [row.reason], sources.category(row.product_id))
                 for row in rows]
        return self.finishing.serve(None, items, set(), k, wanted) or []

    def from_viewed(self, product_ids: list[str], k: int, strategy: str,
                    wanted: ListFilter = NO_FILTER) -> list[Recommendation]:
        """The neighbours of ``product_ids`` (newest first; ids naming no product are ignored), the viewed products
        left out; the shop-wide list for a visitor who viewed nothing."""
        viewed = list(dict.fromkeys(product_ids))[:MAX_VIEWED]
        if not viewed:
            return self.shop_wide(k, strategy, wanted)
        limits = self.limits
        seeds = [{"id": pid, "weight": round(1.0 / (1.0 + position / 20.0), 6)} for position, pid in enumerate(viewed)]
        sources = VIEWED_SOURCES.get(strategy) or VIEWED_SOURCES["content"] + VIEWED_SOURCES["collaborative"]
        rows = self.repository.candidates(
            sources, seeds=seeds, liveSeeds=seeds[:limits.live_seeds], perSeed=limits.per_seed, groups=limits.groups,
            limit=limits.per_source, basketsPerSeed=limits.baskets_per_seed, maxBasket=limits.max_basket)
        left_out = set(viewed)
        ranked = [rules.Ranked(item.product_id, item.score, item.because, self.sources.category(item.product_id))
                  for item in blend_sources(rows, limits.reasons) if item.product_id not in left_out]
        if len(ranked) < wanted.offset + k:
            ranked += self.sources.backfill(ranked, left_out)
        return self.finishing.serve(None, ranked, left_out, k, wanted) or []


def blend_sources(rows: list[Candidate], reasons: int) -> list[Recommendation]:
    """Rows of several candidate sources as one list: each source's scores over its best, summed per product,
    the evidence of the strongest contributions first (at most ``reasons``), best first."""
    best: dict[str, float] = defaultdict(float)
    for row in rows:
        best[row.source] = max(best[row.source], row.score)
    scores: dict[str, float] = defaultdict(float)
    evidence: dict[str, list[tuple[float, dict]]] = defaultdict(list)
    for row in rows:
        share = row.score / best[row.source] if best[row.source] > 0 else 0.0
        scores[row.product_id] += share
        evidence[row.product_id].append((share, row.reason))
    ordered = sorted(scores, key=lambda pid: (-scores[pid], pid))
    items = []
    for pid in ordered:
        because: list[dict] = []
        for _, reason in sorted(evidence[pid], key=lambda pair: -pair[0]):
            if reason not in because:
                because.append(reason)
        items.append(Recommendation(pid, round(scores[pid], 6), because[:reasons]))
    return items
