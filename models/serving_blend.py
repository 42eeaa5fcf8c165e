"""From a shopper's history and the graph's candidate rows to one ranked list with reasons, in numpy and
plain Python: seeds, taste vectors, per-generator scores scaled as training scales them, and the blend.

Scaling, as training scales: each candidate source's scores are divided by its best, a generator's sources are
summed and divided by the best again; mf (dot products) and embedding (cosines) are min-max scaled over every
product the shopper has not taken. A generator's scores are then in [0, 1], and a
reason's strength is its share of its generator's score.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from shopgraph.graph.recommendations import (
    ADDED_TO_CART,
    DISLIKED,
    LIKED,
    PURCHASED,
    RATED,
    SOURCES,
    VIEWED,
    Candidate,
    ShopperHistory,
)
from shopgraph.models.rules import Ranked

#: How much one interaction says about what a shopper wants (before recency); views only seed cold starts.
SEED_WEIGHTS = {PURCHASED: 1.0, LIKED: 0.9, ADDED_TO_CART: 0.7, VIEWED: 0.25}

#: Reasons that name a product, category or brand say more than "matches your taste" or "trending", so
#: they are named first unless clearly weaker.
REASON_ORDER = {"collaborative": 1.0, "item_regression": 1.0, "content": 1.0, "mf": 0.5, "embedding": 0.5,
                "trending": 0.4, "popular": 0.3}

Seeds = list[dict[str, Any]]


class ProductVectors:
    """Every product's MF factors and embedding (unit length) as numpy matrices, rows following ``ids``."""

    def __init__(self, rows: list[dict[str, Any]], version: str | None) -> None:
        self.version = version
        self.ids = [row["productId"] for row in rows]
        self.index = {pid: i for i, pid in enumerate(self.ids)}
        self.mf = _matrix([row["mf"] for row in rows])
        self.embedding = _matrix([row["embedding"] for row in rows])
        if self.embedding is not None:
            norms = np.linalg.norm(self.embedding, axis=1, keepdims=True)
            self.embedding = self.embedding / np.where(norms > 0, norms, 1.0)

    def rows_of(self, product_ids) -> np.ndarray:
        """Row per product id, -1 for a product without vectors."""
        return np.array([self.index.get(pid, -1) for pid in product_ids], dtype=np.int64)


def _matrix(vectors: list[list[float] | None]) -> np.ndarray | None:
    """Stack vectors of the most common length; products without one get zeros."""
    lengths = [len(v) for v in vectors if v]
    if not lengths:
        return None
    dims = max(set(lengths), key=lengths.count)
    matrix = np.zeros((len(vectors), dims), dtype=np.float32)
    for i, vector in enumerate(vectors):
        if vector and len(vector) == dims:
            matrix[i] = vector
    return matrix


@dataclass
class CandidatePool:
    """One shopper's candidates: per generator, scores in [0, 1] by product, and each product's evidence."""

    scores: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))
    #: product -> generator -> reason key -> (reason, strength before the generator's weight)
    evidence: dict[str, dict[str, dict[tuple, tuple[dict, float]]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(dict)))
    #: every candidate product, in the order first seen
    products: dict[str, None] = field(default_factory=dict)

    def add_reason(self, product_id: str, generator: str, reason: dict[str, Any], strength: float) -> None:
        key = tuple(sorted(reason.items()))
        known = self.evidence[product_id][generator].get(key)
        self.evidence[product_id][generator][key] = (reason, strength + (known[1] if known else 0.0))

    def because(self, product_id: str, weights: dict[str, float], limit: int) -> list[dict[str, Any]]:
        """The product's reasons, each weighted like its generator, strongest first."""
        combined: dict[tuple, list] = {}
        for generator, reasons in self.evidence[product_id].items():
            weight = weights.get(generator, 0.0) * REASON_ORDER.get(generator, 1.0)
            if weight <= 0:
                continue
            for key, (reason, strength) in reasons.items():
                entry = combined.setdefault(key, [reason, 0.0])
                entry[1] += weight * strength
        ordered = sorted(combined.values(), key=lambda entry: -entry[1])
        return [dict(reason) for reason, strength in ordered[:limit] if strength > 0]


# -- seeds ----------------------------------------------------------------------------------------
def choose_seeds(history: ShopperHistory, limit: int) -> tuple[Seeds, bool]:
    """The products a shopper's candidates start from, as ``[{id, weight}]`` (strongest first), and whether
    they are only products the shopper looked at.

    A seed's weight is what its strongest interaction says (``SEED_WEIGHTS``; a rating r counts (r - 3) / 2,
    a repeat purchase a little more) times its recency (the newest counts 1, the 20th about 0.5). Views seed
    only a shopper with no other history, so that browsing a category brings its products.
    """
    weights: dict[str, float] = {}
    views: dict[str, float] = {}
    for position, interaction in enumerate(history.interactions):
        recency = 1.0 / (1.0 + position / 20.0)
        if interaction.type == RATED:
            rating = interaction.rating or 0
            strength = (rating - 3) / 2 if rating >= 4 else 0.0
        elif interaction.type == VIEWED:
            views[interaction.product_id] = max(views.get(interaction.product_id, 0.0),
                                                SEED_WEIGHTS[VIEWED] * recency)
            continue
        elif interaction.type in SEED_WEIGHTS:
            strength = SEED_WEIGHTS[interaction.type]
            count = interaction.count or 0
            if interaction.type == PURCHASED and count > 1:
                strength += 0.1 * math.log(count)
        else:
            continue
        if strength > 0:
            weights[interaction.product_id] = max(weights.get(interaction.product_id, 0.0), strength * recency)
    for disliked in history.disliked:
        weights.pop(disliked, None)
        views.pop(disliked, None)
    chosen = weights or views
    seeds = sorted(chosen.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [{"id": pid, "weight": round(w, 6)} for pid, w in seeds], not weights and bool(views)


def newest_seeds(history: ShopperHistory, seeds: Seeds, limit: int) -> Seeds:
    """The seeds the shopper touched most recently (what the live traversals follow)."""
    weight = {seed["id"]: seed["weight"] for seed in seeds}
    newest: dict[str, float] = {}
    for interaction in history.interactions:
        if interaction.product_id in weight and interaction.product_id not in newest:
            newest[interaction.product_id] = weight[interaction.product_id]
            if len(newest) == limit:
                break
    return [{"id": pid, "weight": w} for pid, w in newest.items()]


def taken_products(history: ShopperHistory) -> set[str]:
    """Products the shopper already took (any interaction but a dislike), as far as the history tells."""
    taken = {i.product_id for i in history.interactions if i.type != DISLIKED}
    return taken | history.bought_once | history.rated | history.in_cart


def taste_vector(own: tuple[float, ...] | None, seeds: Seeds, vectors: ProductVectors | None,
                 kind: str) -> np.ndarray | None:
    """The shopper's stored vector (``kind`` "mf" or "embedding"), or -- for a shopper training has not
    seen -- the mean of their seeds' vectors weighted like the seeds."""
    matrix = getattr(vectors, kind, None) if vectors is not None else None
    if own is not None and (matrix is None or len(own) == matrix.shape[1]):
        return np.asarray(own, dtype=np.float32)
    if vectors is None or matrix is None or not seeds:
        return None
    rows = vectors.rows_of([seed["id"] for seed in seeds])
    weights = np.array([seed["weight"] for seed in seeds], dtype=np.float32)
    known = rows >= 0
    if not known.any():
        return None
    taste = (matrix[rows[known]] * weights[known, None]).sum(axis=0) / weights[known].sum()
    if kind == "embedding":
        norm = np.linalg.norm(taste)
        return taste / norm if norm > 0 else None
    return taste


# -- scores ---------------------------------------------------------------------------------------
def add_source_rows(pool: CandidatePool, rows: list[Candidate]) -> None:
    """Sum rows per (source, product), scale each source to [0, 1], sum a generator's sources and scale
    the generator to [0, 1]; a reason's strength is its row's share of that."""
    per_source: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in rows:
        per_source[row.source][row.product_id] += max(row.score, 0.0)
        pool.products.setdefault(row.product_id, None)
    source_max = {source: max(scores.values(), default=0.0) or 1.0 for source, scores in per_source.items()}
    raw: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for source, scores in per_source.items():
        for product_id, score in scores.items():
            raw[SOURCES[source]][product_id] += score / source_max[source]
    generator_max = {g: max(scores.values(), default=0.0) or 1.0 for g, scores in raw.items()}
    for generator, scores in raw.items():
        pool.scores[generator] = {pid: s / generator_max[generator] for pid, s in scores.items()}
    for row in rows:
        generator = SOURCES[row.source]
        strength = max(row.score, 0.0) / source_max[row.source] / generator_max[generator]
        pool.add_reason(row.product_id, generator, row.reason, strength)


def add_file_rows(pool: CandidatePool, generator: str, rows: list[Candidate]) -> None:
    """A candidate-source file's rows as the generator ``generator`` (``file_<strategy>``): each product's best
    score over the best of all, in [0, 1] as a generator's scores are (training scales them the same way,
    ``models.file_candidates``); each row's ``because`` a reason of that strength."""
    best: dict[str, float] = {}
    for row in rows:
        best[row.product_id] = max(best.get(row.product_id, 0.0), max(row.score, 0.0))
    top = max(best.values(), default=0.0) or 1.0
    if not best:
        return
    pool.scores[generator] = {pid: score / top for pid, score in best.items()}
    for row in rows:
        pool.products.setdefault(row.product_id, None)
        pool.add_reason(row.product_id, generator, row.reason, max(row.score, 0.0) / top)


def _untaken_range(scores: np.ndarray, vectors: ProductVectors, taken: set[str]) -> tuple[float, float]:
    """Lowest and highest score over the products the shopper has not taken (training's min-max scaling)."""
    mask = np.ones(len(scores), dtype=bool)
    rows = vectors.rows_of(taken)
    mask[rows[rows >= 0]] = False
    values = scores[mask] if mask.any() else scores
    return float(values.min()), float(values.max())


def add_vector_scores(pool: CandidatePool, generator: str, taste: np.ndarray | None,
                      vectors: ProductVectors | None, limit: int, taken: set[str], excluded: set[str]) -> None:
    """The top ``limit`` products not ``excluded`` by ``vectors @ taste`` as ``generator``'s candidates ("mf":
    dot products of factors), min-max scaled over every product not taken."""
    matrix = getattr(vectors, generator, None) if vectors is not None else None
    if vectors is None or taste is None or matrix is None or len(taste) != matrix.shape[1]:
        return
    scores = matrix @ taste
    low, high = _untaken_range(scores, vectors, taken)
    span = (high - low) or 1.0
    open_scores = scores.copy()
    rows = vectors.rows_of(excluded)
    open_scores[rows[rows >= 0]] = -np.inf
    top = np.argpartition(-open_scores, min(limit, len(scores)) - 1)[:limit]
    top = top[np.isfinite(open_scores[top])]
    pool.scores[generator] = {}
    for i in top:
        product_id = vectors.ids[i]
        scaled = min(max((float(scores[i]) - low) / span, 0.0), 1.0)
        pool.scores[generator][product_id] = scaled
        pool.products.setdefault(product_id, None)
        pool.add_reason(product_id, generator, {"kind": "matches_your_taste"}, scaled)


def rescale_like_training(pool: CandidatePool, generator: str, taste: np.ndarray, vectors: ProductVectors | None,
                          taken: set[str]) -> None:
    """Vector-index candidates rescaled as training scales them: cosine, min-max over every product not taken
    (the index returns only the nearest products, so the far end comes from the stored matrix)."""
    matrix = getattr(vectors, generator, None) if vectors is not None else None
    if vectors is None or matrix is None or len(taste) != matrix.shape[1]:
        return
    cosines = matrix @ (taste / (np.linalg.norm(taste) or 1.0))
    low, high = _untaken_range(cosines, vectors, taken)
    span = (high - low) or 1.0
    scores = pool.scores[generator]
    for product_id in list(scores):
        row = vectors.index.get(product_id)
        if row is None:
            continue
        scaled = min(max((float(cosines[row]) - low) / span, 0.0), 1.0)
        factor = scaled / scores[product_id] if scores[product_id] > 0 else 0.0
        scores[product_id] = scaled
        for key, (reason, strength) in list(pool.evidence[product_id][generator].items()):
            pool.evidence[product_id][generator][key] = (reason, strength * factor)


def blend(pool: CandidatePool, weights: dict[str, float], reasons: int = 3) -> list[Ranked]:
    """Products by the weighted sum of their generator scores, best first, each with its reasons (weighted
    the same way) strongest first. Products no weighted generator proposed are left out."""
    totals: dict[str, float] = defaultdict(float)
    for generator, weight in weights.items():
        for product_id, score in pool.scores.get(generator, {}).items():
            totals[product_id] += weight * score
    ranked = [Ranked(product_id, total, pool.because(product_id, weights, reasons))
              for product_id, total in totals.items() if total > 0]
    ranked.sort(key=lambda item: (-item.score, item.product_id))
    return ranked
