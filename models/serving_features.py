"""The multi ranker's features for one shopper's graph candidates, under the names training uses.

Training computes them from in-memory interactions (``models.features``); this module computes the same
columns at serving time from what the graph returned: each generator's candidate scores, the product facts
of ``cypher/candidate_facts.cypher``, the shopper's history and the stored vectors. Meanings (see
notes/models-contract.md and ``models.features``):

- ``score_g`` / ``rank_g``: the generator's score over its best for this shopper and its 1-based rank among
  its candidates (0 / 1000 when it did not propose the product); ``popular`` and ``trending`` use their
  shop-wide lists; ``mf`` and ``embedding`` rank every product the shopper has not taken by the dot product
  of factors / cosine of embeddings and keep the top ``per_generator``.
- ``popularity`` log1p(interest), ``recency_days`` since the product's last interaction (to the shop's latest
  activity), ``price`` log1p, ``category_affinity`` share of the shopper's products in the product's top
  category, ``embedding_cosine``, ``mf_dot``, ``user_bought_before``, ``user_repeat_rate``,
  ``user_history_size`` log1p(distinct products taken).
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np

from graph.recommendations import DISLIKED, PURCHASED, Candidate, ShopperHistory

ABSENT_RANK = 1000.0
NEVER_DAYS = 3650.0
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
    generators = {g: _ranked(generator_scores.get(g, {})) for g in ("content", "collaborative")}
    generators["trending"] = _shop_wide(trending)
    generators["popular"] = _shop_wide(popular)
    generators["mf"], mf_scores = _vector_generator(getattr(vectors, "mf", None), user_mf, vectors, seen,
                                                    per_generator)
    generators["embedding"], cosines = _vector_generator(getattr(vectors, "embedding", None), user_embedding,
                                                         vectors, seen, per_generator)
    rows = vectors.rows_of(product_ids) if vectors is not None else np.full(len(product_ids), -1)

    top_categories = Counter(categories.get(pid, (None, None))[1] for pid in seen)
    distinct = len(seen)
    bought = len(history.bought_once) + history.repeat_products
    repeat_rate = history.repeat_products / bought if bought else 0.0
    history_size = math.log1p(max(history.taken_products, distinct))
    purchased = {i.product_id for i in history.of_type(PURCHASED)} | set(history.bought_once)

    matrix = np.zeros((len(product_ids), len(names)), dtype=np.float32)
    for r, product_id in enumerate(product_ids):
        fact = facts.get(product_id, {})
        values: dict[str, float] = {}
        for generator, ranked in generators.items():
            score, rank = ranked.get(product_id, (0.0, ABSENT_RANK))
            values[f"score_{generator}"], values[f"rank_{generator}"] = score, rank
        values["popularity"] = math.log1p(float(fact.get("interest") or 0.0))
        last = fact.get("lastActivity")
        values["recency_days"] = (max((now - last) / 86400.0, 0.0)
                                  if last is not None and now is not None else NEVER_DAYS)
        price = fact.get("price")
        values["price"] = math.log1p(max(float(price), 0.0)) if isinstance(price, (int, float)) else 0.0
        top = categories.get(product_id, (None, None))[1]
        values["category_affinity"] = top_categories.get(top, 0) / distinct if top and distinct else 0.0
        row = rows[r]
        values["embedding_cosine"] = float(cosines[row]) if cosines is not None and row >= 0 else 0.0
        values["mf_dot"] = float(mf_scores[row]) if mf_scores is not None and row >= 0 else 0.0
        values["user_bought_before"] = 1.0 if product_id in purchased or product_id in seen else 0.0
        values["user_repeat_rate"] = repeat_rate
        values["user_history_size"] = history_size
        matrix[r] = [values.get(name, 0.0) for name in names]
    return matrix
