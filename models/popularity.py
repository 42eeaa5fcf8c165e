"""Cold-start generators: what most shoppers bought, and what is selling now.

Both score every product the same for every shopper; they answer for visitors and new shoppers and
give the other models a floor to beat.
"""
from __future__ import annotations

import numpy as np

from shopgraph.models.base import Recommender
from shopgraph.models.data import Interactions


class _SameForEveryone(Recommender):
    """One score per product (``item_scores``, set by ``_fit``), whoever asks."""

    def score(self, user_indices: np.ndarray) -> np.ndarray:
        return np.broadcast_to(self.item_scores, (len(np.atleast_1d(user_indices)), self.n_products))

    def _state(self):
        return {"item_scores": self.item_scores}

    def _restore(self, arrays, facts, folder):
        self.item_scores = arrays["item_scores"]


class PopularityRecommender(_SameForEveryone):
    """Products ranked by how many distinct shoppers took them."""

    name = "popular"
    defaults = {}

    def _fit(self, interactions: Interactions) -> None:
        self.item_scores = np.asarray(interactions.binary.sum(axis=0)).ravel().astype(np.float32)


class TrendingRecommender(_SameForEveryone):
    """Products ranked by time-decayed interest: each event counts ``0.5 ** (age / half_life_days)``.

    Age is measured from the data's last event (``Interactions.reference_time``), not the wall clock,
    so the same data always trends the same way.
    """

    name = "trending"
    defaults = {"half_life_days": 14.0}

    def _fit(self, interactions: Interactions) -> None:
        self.item_scores = trending_scores(interactions, self.params["half_life_days"])


def trending_scores(interactions: Interactions, half_life_days: float) -> np.ndarray:
    """Per product, the sum over its events of 0.5 ** (age in days / half-life)."""
    events = interactions.events
    scores = np.zeros(interactions.n_products, dtype=np.float64)
    if events.empty:
        return scores.astype(np.float32)
    age_days = (interactions.reference_time - events["timestamp"]).dt.total_seconds().to_numpy() / 86400.0
    decay = np.power(0.5, np.clip(age_days, 0, None) / float(half_life_days))
    np.add.at(scores, events["product"].to_numpy(), decay)
    return scores.astype(np.float32)
