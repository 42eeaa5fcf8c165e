"""The last steps of every list served, whichever path made its ranking (stored, folded, live or a visitor's).

In this order: the merchandiser rules (which respect the shopper's exclusions), the request's filter (``ListFilter``),
the diversity cap, then the items from the filter's offset, k of them, each with the evidence that put it there.

The filter applies after the rules, so that a pinned product outside the category is left out too. A ranking is
``complete`` when it was built to the depth asked for; a stored list is only the head of its ranking, so when the
filter leaves it short it is not topped up: the caller builds the list live instead. A complete ranking short of a
category is topped up with the category's most popular products.
"""
from __future__ import annotations

from collections.abc import Set
from dataclasses import asdict, dataclass, field
from typing import Any

from shopgraph.graph.recommendations import RecommendationRepository
from shopgraph.models import rules
from shopgraph.models.candidate_sources import CandidateSources
from shopgraph.models.diversity import cap_setting, serving_cap
from shopgraph.models.serving_artefacts import ArtefactWatch

#: How far into a ranking paging may reach (a filter's offset), and how many items a list may ask for.
MAX_OFFSET = 200
MAX_K = 100


@dataclass(frozen=True)
class ListFilter:
    """What a list keeps: products of ``category`` or a category below it (None: any), none of ``exclude``,
    and the items of the ranking from ``offset`` on."""

    category: str | None = None
    exclude: frozenset[str] = frozenset()
    offset: int = 0

    @property
    def narrows(self) -> bool:
        return self.category is not None or bool(self.exclude)

    def key(self) -> tuple:
        return self.category, tuple(sorted(self.exclude)), self.offset


NO_FILTER = ListFilter()


@dataclass
class Recommendation:
    product_id: str
    score: float
    because: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class ListFinishing:
    """One per recommendation service. ``merchandiser_rules`` is the hook of ``models.rules.MerchandiserRules``."""

    def __init__(self, repository: RecommendationRepository, sources: CandidateSources, artefacts: ArtefactWatch,
                 merchandiser_rules: rules.MerchandiserRules) -> None:
        self.repository, self.sources, self.artefacts = repository, sources, artefacts
        self.merchandiser_rules = merchandiser_rules
        #: The shop's diversity setting, read once so that a bad value stops the process at start, not a request.
        self.diversity = cap_setting()

    def serve(self, user_id: str | None, ranked: list[rules.Ranked], excluded: set[str], k: int,
              wanted: ListFilter = NO_FILTER, complete: bool = True) -> list[Recommendation] | None:
        """The list served from a ranking for a shopper (None: a visitor) whose ``excluded`` products no rule may
        bring back. None when the ranking is not ``complete`` and runs short under the filter."""
        ranked = self.merchandiser_rules.apply(user_id, ranked, excluded)
        if wanted == NO_FILTER:
            return finish(self.diversify(ranked), k)
        return self._narrowed(ranked, excluded, k, wanted, complete)

    def diversify(self, items: list[rules.Ranked]) -> list[rules.Ranked]:
        """The items under the shop's diversity cap (``models.diversity``: the setting, or training's choice)."""
        cap = serving_cap(self.diversity, self.artefacts.current())
        return rules.diversify(items, cap=cap) if cap else items

    def _narrowed(self, ranked: list[rules.Ranked], excluded: Set[str], k: int, wanted: ListFilter,
                  complete: bool) -> list[Recommendation] | None:
        depth = wanted.offset + k
        kept = [item for item in ranked if item.product_id not in wanted.exclude]
        if wanted.category is not None:
            inside = self.repository.in_category(wanted.category, [item.product_id for item in kept])
            kept = [item for item in kept if item.product_id in inside]
        if len(kept) < depth:
            if not complete:
                return None
            if wanted.category is not None:
                kept += self._category_top_up(kept, excluded | wanted.exclude, wanted.category, depth)
        kept = self.diversify(kept)
        return finish(kept[wanted.offset:], k)

    def _category_top_up(self, kept: list[rules.Ranked], excluded: Set[str], category: str,
                         depth: int) -> list[rules.Ranked]:
        """The category's most popular products not in the list, scored below every item in it."""
        present = {item.product_id for item in kept}
        limit = min(depth + len(present) + len(excluded), 2 * (MAX_OFFSET + MAX_K))
        ids = [pid for pid in self.repository.category_popular(category, limit)
               if pid not in present and pid not in excluded][:depth - len(kept)]
        floor = min((item.score for item in kept), default=1.0)
        return [rules.Ranked(pid, 0.5 * floor * (len(ids) - position) / len(ids), [{"kind": "popular"}],
                             self.sources.category(pid)) for position, pid in enumerate(ids)]


def finish(items: list[rules.Ranked], k: int) -> list[Recommendation]:
    """The first k items as served: a score rounded for JSON, and evidence for every item ("popular" at least)."""
    return [Recommendation(item.product_id, round(float(item.score), 6), item.because or [{"kind": "popular"}])
            for item in items[:k]]
