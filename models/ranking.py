"""How a strategy orders a shopper's candidates: one generator's own scores, the hybrid blend of them all, or the
multi ranker over every candidate's features.

The blend's weights are the trained ones (metadata.json "hybrid"), with cold-start weights for a short history
and trending plus browsed categories for a shopper who only looked around; the graph-walking generators always
keep ``LIVE_FLOOR`` of it. A candidate-source file (``file_<strategy>``) has the weight training chose for it, or
``FILE_SHARE`` until a training has weighed it. The multi ranker (``ranker.npz`` of the published version) scores
the features ``models.serving_features`` computes from the same candidates; without a trained ranker, multi is the
blend.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from shopgraph.graph.recommendations import ShopperHistory
from shopgraph.models.candidate_sources import CANDIDATE_FILES, STRATEGY_GENERATORS, CandidateSources
from shopgraph.models.rules import Ranked
from shopgraph.models.serving_artefacts import ArtefactWatch
from shopgraph.models.serving_blend import CandidatePool, Seeds, blend, taste_vector
from shopgraph.models.serving_features import feature_matrix
from shopgraph.models.vocabulary import GENERATORS, is_file_generator

#: Blend weights while no trained version says otherwise (metadata.json "hybrid" "weights").
DEFAULT_WEIGHTS = {"collaborative": 0.35, "content": 0.25, "mf": 0.1, "embedding": 0.1, "trending": 0.15,
                   "popular": 0.05}
#: Shoppers with fewer products than the cold-start threshold lean on content and what is selling now.
LITTLE_HISTORY_WEIGHTS = {"content": 0.5, "collaborative": 0.2, "trending": 0.2, "popular": 0.1}
#: Shoppers who only browsed (or did nothing yet): trending plus the categories of what they looked at.
NO_HISTORY_WEIGHTS = {"trending": 0.6, "content": 0.4}
DEFAULT_COLD_START_THRESHOLD = 3
#: The least share of a trained blend that the graph-walking generators keep. Tuning may find the trained
#: vectors enough offline, but only these walks see what a shopper did a minute ago; without a floor,
#: feedback would wait for the next training.
LIVE_FLOOR = {"collaborative": 0.15, "content": 0.1}
#: A candidate-source file's weight, as a share of the built-in generators' total, until a training weighs it.
FILE_SHARE = 0.1


class Ranker:
    def __init__(self, artefacts: ArtefactWatch, sources: CandidateSources, reasons: int) -> None:
        self.artefacts = artefacts
        self.sources = sources
        self.reasons = reasons

    def generators(self, strategy: str) -> tuple[str, ...]:
        """The generators whose candidates the strategy ranks. The trained multi ranker names its own: those whose
        served scores are the ones it learnt from (``models.features.SCORED``). Untrained, multi is the blend of
        them all."""
        ranker = self.artefacts.ranker() if strategy == "multi" else None
        if ranker is not None and "candidates" in ranker.spec:
            return (*ranker.spec["candidates"], CANDIDATE_FILES)
        return STRATEGY_GENERATORS[strategy]

    def rank(self, strategy: str, history: ShopperHistory, seeds: Seeds, seeds_from_views: bool,
             pool: CandidatePool) -> list[Ranked]:
        """The pool's products in the strategy's order, best first, each with its reasons."""
        if strategy not in ("hybrid", "multi"):
            return blend(pool, {STRATEGY_GENERATORS[strategy][0]: 1.0}, self.reasons)
        files = [g for g in pool.scores if is_file_generator(g)]
        weights = self.weights(history, seeds_from_views, files)
        ranked = self._multi(history, seeds, pool, weights) if strategy == "multi" else None
        return ranked if ranked is not None else blend(pool, weights, self.reasons)

    def weights(self, history: ShopperHistory, seeds_from_views: bool,
                files: list[str] | tuple[str, ...] = ()) -> dict[str, float]:
        """The blend's weights for this shopper (see the module docstring); ``files`` are the candidate-source
        generators (``file_<strategy>``) in their pool, each weighted as trained or, untrained, ``FILE_SHARE``."""
        hybrid = (self.artefacts.current() or {}).get("hybrid") or {}
        if seeds_from_views or not history.interactions:
            return _with_files(NO_HISTORY_WEIGHTS, files)
        threshold = hybrid.get("cold_start_threshold", DEFAULT_COLD_START_THRESHOLD)
        if history.taken_products < threshold:
            return _with_files(_with_live_floor(_usable(hybrid.get("cold_weights")) or LITTLE_HISTORY_WEIGHTS), files)
        return _with_files(_with_live_floor(_usable(hybrid.get("weights")) or DEFAULT_WEIGHTS), files)

    def _multi(self, history: ShopperHistory, seeds: Seeds, pool: CandidatePool,
               weights: dict[str, float]) -> list[Ranked] | None:
        """The multi ranker's order over every candidate, or None when no ranker is trained."""
        ranker = self.artefacts.ranker()
        if ranker is None or not pool.products:
            return None
        product_ids = list(pool.products)
        scores = np.asarray(ranker.score(self.features(list(ranker.features), history, seeds, pool)),
                            dtype=np.float64)
        everything = dict.fromkeys([*GENERATORS, *(g for g in pool.scores if is_file_generator(g))], 1.0)
        # The reasons are the blend's: what a shopper is told comes from the same evidence the ranker saw.
        return [Ranked(product_ids[i], float(scores[i]),
                       pool.because(product_ids[i], weights, self.reasons)
                       or pool.because(product_ids[i], everything, self.reasons))
                for i in np.argsort(-scores, kind="stable")]

    def features(self, names: list[str], history: ShopperHistory, seeds: Seeds, pool: CandidatePool) -> np.ndarray:
        """The ranker's rows for the pool's products (in pool order), columns ``names``: the ones the served
        ranker was trained with, a candidate-source file's among them when training ran it."""
        sources = self.sources
        product_ids = list(pool.products)
        vectors = sources.vectors.get()
        return feature_matrix(
            names, product_ids, pool.scores, sources.repository.candidate_facts(product_ids), history,
            sources.categories.get(), trending=sources.trending.get(), popular=sources.popular.get(),
            user_embedding=taste_vector(history.embedding, seeds, vectors, "embedding"),
            user_mf=taste_vector(history.mf, seeds, vectors, "mf"), vectors=vectors,
            now=sources.latest_activity.get()[0])


def _usable(weights: dict[str, Any] | None) -> dict[str, float] | None:
    """Trained weights over known generators (and candidate-source files), or None when there are none worth
    using."""
    chosen = {g: float(w) for g, w in (weights or {}).items() if g in GENERATORS or is_file_generator(g)}
    return chosen if any(w > 0 for g, w in chosen.items() if g in GENERATORS) else None


def _with_files(weights: dict[str, float], files) -> dict[str, float]:
    """The weights with each candidate-source file the training did not weigh (added since, or a cold or
    browsing shopper's weights, which are tuned without files) at ``FILE_SHARE`` of the built-in total; a file
    training weighed keeps its weight, 0 included."""
    untrained = [g for g in files if g not in weights]
    if not untrained:
        return weights
    share = FILE_SHARE * sum(w for g, w in weights.items() if not is_file_generator(g))
    return {**weights, **dict.fromkeys(untrained, share)}


def _with_live_floor(weights: dict[str, float]) -> dict[str, float]:
    """The weights with each ``LIVE_FLOOR`` generator raised to at least its share of the total."""
    total = sum(weights.values())
    return {**weights, **{g: max(weights.get(g, 0.0), share * total) for g, share in LIVE_FLOOR.items()}}
