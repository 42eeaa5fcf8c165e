"""What a shopper did since their list was stored, folded into that list: the next list after an event at
nearly the cost of a stored one.

A list stored ahead of time (``shopgraph train``, ``shopgraph recommend --all-users --store``) stops holding the
moment the shopper acts. Building it again live means reading their whole history, every candidate walk and the
ranker's features. Folding reads only what is new, in the state read itself (cypher/shopper_state.cypher, given
``fold_walk``): the interactions written since the list was stored (``ShopperState.fresh``), the graph walked
from those new products alone (trained BOUGHT_WITH and SIMILAR_TO neighbours, and the latest baskets holding
them, so a product newer than the model counts too: ``ShopperState.candidates``), and which of the products the
fold can show the shopper must not be shown (``ShopperState.excluded``). The list after an event costs one read,
like a stored one. The stored ranking and the fresh candidates are then mixed:

    score = (1 - share) * stored score / best stored score + share * fresh score / best fresh score

so what the shopper just did moves their list, the way a live build puts the newest seeds first, while the
trained ranking holds the rest. The share is the shop's: training chooses it on its validation split
(``models.fold_tuning``), ``FRESH_SHARE`` when it could not. Items the fresh walks found name the new product
first in ``because``.

Fresh interactions with nothing positive to walk from (a dislike, a low rating) only take products out. A change
that wrote nothing new (a like or cart line taken back), or more than ``FRESH_LIMIT`` interactions since the list
was stored, is not folded: the list is built live.
"""
from __future__ import annotations

from collections.abc import Set
from typing import TYPE_CHECKING, Any

from shopgraph.graph.recommendations import Candidate, FoldWalk, Interaction
from shopgraph.models.rules import Ranked
from shopgraph.models.serving_blend import SEED_WEIGHTS, CandidatePool, add_source_rows, blend

if TYPE_CHECKING:  # candidate_sources imports this module
    from shopgraph.models.candidate_sources import Limits

#: Interactions since the stored list beyond which folding gives way to a live build.
FRESH_LIMIT = 10
#: The share of a folded item's score that comes from what the shopper just did, when training chose none.
FRESH_SHARE = 0.5
#: The candidate sources walked from fresh products: the graph's own neighbours, trained and live. The state read
#: repeats their walks (cypher/shopper_state.cypher), so a change to one of these files belongs there too.
FRESH_SOURCES = ("bought_with", "bought_in_same_baskets", "similar_products")
#: How the two generators those sources feed are mixed: in the proportion of their live floor
#: (``models.serving.LIVE_FLOOR``), the share a trained blend always keeps for the graph's walks.
FRESH_WEIGHTS = {"collaborative": 0.6, "content": 0.4}


def fold_walk(limits: Limits, backfill: tuple[str, ...]) -> FoldWalk:
    """What the state read needs to prepare a fold, for the service's ``Limits``: the fresh products seeded as
    ``models.serving_blend.choose_seeds`` seeds them (``SEED_WEIGHTS``; a rating r counts (r - 3) / 2 from 4 up;
    views only reach here for a shopper who did nothing else) but with no recency discount -- every fresh
    interaction is minutes old, so they all count as the newest -- and walked as far as a live build walks.
    ``backfill``: the trending products a folded list may be topped up with, best first."""
    return FoldWalk(limit=FRESH_LIMIT, seed_weights=SEED_WEIGHTS, live_seeds=limits.live_seeds,
                    per_seed=limits.per_seed, per_source=limits.per_source,
                    baskets_per_seed=limits.baskets_per_seed, max_basket=limits.max_basket, backfill=backfill)


def fresh_pool(candidates: tuple[Candidate, ...]) -> CandidatePool:
    """The candidates the state read walked from the fresh products, scaled per source and generator."""
    pool = CandidatePool()
    add_source_rows(pool, list(candidates))
    return pool


def foldable(fresh: tuple[Interaction, ...]) -> bool:
    """Whether a stored list can take these fresh interactions by folding (see the module docstring)."""
    return 0 < len(fresh) <= FRESH_LIMIT


def fold(stored: list[Ranked], pool: CandidatePool, excluded: Set[str], reasons: int,
         share: float = FRESH_SHARE) -> list[Ranked]:
    """The stored ranking with the fresh candidates of ``pool`` mixed in (module docstring), the fresh side
    weighing ``share`` (training chooses it per shop: ``models.fold_tuning``), without ``excluded``; best first."""
    fresh = {item.product_id: item for item in blend(pool, FRESH_WEIGHTS, reasons)}
    best_stored = max((item.score for item in stored), default=0.0) or 1.0
    best_fresh = max((item.score for item in fresh.values()), default=0.0) or 1.0
    folded: dict[str, Ranked] = {}
    for item in stored:
        found = fresh.pop(item.product_id, None)
        score = (1 - share) * item.score / best_stored
        because = item.because
        if found is not None:
            score += share * found.score / best_fresh
            because = _merged(found.because, item.because, reasons)
        folded[item.product_id] = Ranked(item.product_id, score, because, item.category)
    for product_id, found in fresh.items():
        folded[product_id] = Ranked(product_id, share * found.score / best_fresh, found.because)
    ranked = [item for item in folded.values() if item.product_id not in excluded]
    ranked.sort(key=lambda item: (-item.score, item.product_id))
    return ranked


def _merged(first: list[dict[str, Any]], then: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    merged = list(first)
    merged += [reason for reason in then if reason not in merged]
    return merged[:limit]
