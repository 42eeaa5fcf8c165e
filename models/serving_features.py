"""The multi ranker's features for one shopper's graph candidates, under the names training uses.

Training gathers its raw values from in-memory interactions (``models.features``); this module gathers the same
raw values from what the graph returned -- each generator's candidate scores, the product facts of
``cypher/candidate_facts.cypher``, the shopper's history and the stored vectors -- and both make the columns
with ``models.features.assemble``, where their meanings are written down. Per generator: ``popular`` and
``trending`` use their shop-wide lists; ``mf`` and ``embedding`` rank every product the shopper has not taken by
the dot product of factors / cosine of embeddings and keep the top ``per_generator``; ``content`` and
``collaborative`` are the graph walks' candidates; a candidate-source file (``file_<strategy>``) is its rows, when
the ranker was trained with its columns.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np

from shopgraph.graph.recommendations import DISLIKED, PURCHASED, Candidate, ShopperHistory
from shopgraph.models.features import ABSENT_RANK, assemble, file_generators

PER_GENERATOR = 100


def _ranked(scores: dict[str, float]) -> dict[str, tuple[float, float]]:
    """product -> (score over the best, 1-based rank)."""
    best = max(scores.values(), default=0.0)
    divisor = best if best > 0 else 1.0
    order = sorted(scores, key=lambda pid: (-scores[pid], pid))
    return {pid: (scores[pid] / divisor, float(rank)) for rank, pid in enumerate(order, 1)}


def _shop_wide(rows: list[Candidate]) -> dict[str, tuple[float, float]]:
    best = max((row.score for row in rows), default=0.0)
    divisor = best if best > 0 else 1.0
    return {row.product_id: (row.score / divisor, float(rank))
            for rank, row in enumerate(rows, 1) if rank <= ABSENT_RANK}


def _vector_generator(matrix: np.ndarray | None, taste: np.ndarray | None, vectors, seen: set[str],
                      per_generator: int) -> tuple[dict[str, tuple[float, float]], np.ndarray | None]:
    """(product -> (score over best, rank)) for the top products by ``matrix @ taste``, and all the scores."""
    if matrix is None or taste is None or len(taste) != matrix.shape[1]:
        return {}, None
    scores = matrix @ taste
    order = [i for i in np.argsort(-scores, kind="stable") if vectors.ids[i] not in seen][:per_generator]
    best = float(scores[order[0]]) if order else 0.0
    divisor = best if best > 0 else 1.0    # as models.features: the best score, when it is positive
    return ({vectors.ids[i]: (float(scores[i]) / divisor, float(rank)) for rank, i in enumerate(order, 1)}, scores)


def feature_matrix(names: list[str], product_ids: list[str], generator_scores: dict[str, dict[str, float]],
                   facts: dict[str, dict[str, Any]], history: ShopperHistory,
                   categories: dict[str, tuple[str | None, str | None]], *, trending: list[Candidate],
                   popular: list[Candidate], user_embedding: np.ndarray | None, user_mf: np.ndarray | None,
                   vectors, now: float | None, per_generator: int = PER_GENERATOR) -> np.ndarray:
    """Rows for ``product_ids``, columns in ``names`` order (a name this module does not know stays 0).

    ``facts`` are ``RecommendationRepository.candidate_facts`` by product; ``categories`` maps every product
    to its (leaf category id, top category name); ``now`` is the shop's latest activity in epoch seconds.
    """
    seen = ({i.product_id for i in history.interactions if i.type != DISLIKED} | history.bought_once
            | history.rated | history.in_cart)
    walked = ("content", "collaborative", "item_regression",
              *(g for g in file_generators(names) if g in generator_scores))
    generators = {g: _ranked(generator_scores.get(g, {})) for g in walked}
    generators["trending"] = _shop_wide(trending)
    generators["popular"] = _shop_wide(popular)
    generators["mf"], mf_scores = _vector_generator(getattr(vectors, "mf", None), user_mf, vectors, seen,
                                                    per_generator)
    generators["embedding"], cosines = _vector_generator(getattr(vectors, "embedding", None), user_embedding,
                                                         vectors, seen, per_generator)
    rows = vectors.rows_of(product_ids) if vectors is not None else np.full(len(product_ids), -1)
    known = rows >= 0

    def per_row(values: list[float]) -> np.ndarray:
        return np.asarray(values, dtype=np.float64)

    def compared(scores: np.ndarray | None) -> np.ndarray:
        """The shopper's vector against each product's (0 for a product without one)."""
        if scores is None:
            return np.zeros(len(product_ids))
        return np.where(known, scores[np.where(known, rows, 0)], 0.0)

    top_categories = Counter(categories.get(pid, (None, None))[1] for pid in seen)
    distinct = len(seen)
    bought = len(history.bought_once) + history.repeat_products
    purchased = {i.product_id for i in history.of_type(PURCHASED)} | set(history.bought_once)
    tops = [categories.get(pid, (None, None))[1] for pid in product_ids]
    lasts = [facts.get(pid, {}).get("lastActivity") for pid in product_ids]
    prices = [facts.get(pid, {}).get("price") for pid in product_ids]
    n = len(product_ids)
    return assemble(
        names,
        {g: (per_row([ranked.get(pid, (0.0, ABSENT_RANK))[0] for pid in product_ids]),
             per_row([ranked.get(pid, (0.0, ABSENT_RANK))[1] for pid in product_ids]))
         for g, ranked in generators.items()},
        interest=per_row([float(facts.get(pid, {}).get("interest") or 0.0) for pid in product_ids]),
        days_since_last=per_row([(now - last) / 86400.0 if last is not None and now is not None else math.nan
                                 for last in lasts]),
        price=per_row([float(price) if isinstance(price, (int, float)) else math.nan for price in prices]),
        category_share=per_row([top_categories.get(top, 0) / distinct if top and distinct else 0.0 for top in tops]),
        embedding_cosine=compared(cosines), mf_dot=compared(mf_scores),
        bought_before=np.array([pid in purchased or pid in seen for pid in product_ids]),
        repeat_rate=np.full(n, history.repeat_products / bought if bought else 0.0),
        taken=np.full(n, float(max(history.taken_products, distinct))))
