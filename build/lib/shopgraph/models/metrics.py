"""Ranking metrics as pure functions (after recommenders-team/recommenders' python_evaluation).

Each takes ``recommended`` (a user's ranked product indices, best first; -1 entries are empty
slots) and ``relevant`` (the set of products the user took in the test period) and returns a float;
``mean_over_users`` averages one of them over users. Relevance is binary. Recall divides by the
number of relevant products (not by min(k, that)), as Microsoft Recommenders' table does.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np


def _hits(recommended: Sequence[int], relevant: set[int], k: int) -> np.ndarray:
    return np.array([1.0 if item >= 0 and item in relevant else 0.0 for item in list(recommended)[:k]])


def precision_at_k(recommended: Sequence[int], relevant: set[int], k: int = 10) -> float:
    """Share of the k slots filled with relevant products."""
    return float(_hits(recommended, relevant, k).sum() / k)


def recall_at_k(recommended: Sequence[int], relevant: set[int], k: int = 10) -> float:
    """Share of the relevant products found in the top k (0 when nothing is relevant)."""
    if not relevant:
        return 0.0
    return float(_hits(recommended, relevant, k).sum() / len(relevant))


def hit_rate_at_k(recommended: Sequence[int], relevant: set[int], k: int = 10) -> float:
    """1 when any of the top k is relevant, else 0."""
    return float(_hits(recommended, relevant, k).sum() > 0)


def ndcg_at_k(recommended: Sequence[int], relevant: set[int], k: int = 10) -> float:
    """DCG of the top k (gain 1 / log2(rank + 1)) over the DCG of a perfect top k."""
    if not relevant:
        return 0.0
    hits = _hits(recommended, relevant, k)
    dcg = float(np.sum(hits / np.log2(np.arange(2, len(hits) + 2)))) if len(hits) else 0.0
    ideal = float(np.sum(1.0 / np.log2(np.arange(2, min(k, len(relevant)) + 2))))
    return dcg / ideal


def catalogue_coverage(recommendations: Iterable[Sequence[int]], n_products: int, k: int = 10) -> float:
    """Share of the catalogue that appears in at least one user's top k."""
    shown = {item for items in recommendations for item in list(items)[:k] if item >= 0}
    return len(shown) / n_products if n_products else 0.0


def novelty(recommendations: Iterable[Sequence[int]], popularity: np.ndarray, n_users: int, k: int = 10) -> float:
    """Mean self-information -log2(p) of recommended products, p = share of training users who took it.

    Products nobody took in training count as taken by one user, so the value stays finite.
    """
    share = np.maximum(np.asarray(popularity, dtype=float), 1.0) / float(n_users)
    values = [-np.log2(share[item]) for items in recommendations for item in list(items)[:k] if item >= 0]
    return float(np.mean(values)) if values else 0.0


def mean_over_users(metric: Callable[[Sequence[int], set[int], int], float],
                    recommendations: Mapping[int, Sequence[int]], relevant: Mapping[int, set[int]],
                    k: int = 10) -> float:
    """The metric averaged over the users of ``relevant`` (every test user counts, found or not)."""
    if not relevant:
        return 0.0
    return float(np.mean([metric(recommendations.get(user, []), items, k) for user, items in relevant.items()]))
