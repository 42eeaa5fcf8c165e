"""Cold-start generators: what most shoppers chose, and what is selling now; and the popularity peer.

Each scores every product the same for every shopper; they answer for visitors and new shoppers and
give the other models a floor to beat. ``popular`` and ``trending`` count events exactly as the graph's
``cypher/popular.cypher`` and ``cypher/trending.cypher`` do, so the multi ranker learns from the scores serving
reads (a test checks the two agree). ``PopularityRecommender``, the evaluation's peer, keeps the textbook count.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

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
    """The peer: products ranked by how many distinct shoppers interacted with them in any way."""

    name = "popularity"
    defaults = {}

    def _fit(self, interactions: Interactions) -> None:
        self.item_scores = np.asarray(interactions.binary.sum(axis=0)).ravel().astype(np.float32)


#: A rating this high says the shopper liked the product (the graph's queries use the same bar).
GOOD_RATING = 4.0


def chose(events: pd.DataFrame) -> pd.Series:
    """Which events say the shopper chose the product: purchases, likes and good ratings."""
    return events["type"].isin(["purchase", "like"]) | ((events["type"] == "rate") & (events["value"] >= GOOD_RATING))


class PopularRecommender(_SameForEveryone):
    """The ``popular`` generator: products ranked by how many distinct shoppers bought, liked or rated them well."""

    name = "popular"
    defaults = {}

    def _fit(self, interactions: Interactions) -> None:
        events = interactions.events
        chosen = events[chose(events)].drop_duplicates(["user", "product"])
        self.item_scores = np.bincount(chosen["product"].to_numpy(dtype=np.int64),
                                       minlength=interactions.n_products).astype(np.float32)


class TrendingRecommender(_SameForEveryone):
    """Products ranked by time-decayed interest: each event counts ``weight * 0.5 ** (age / half_life_days)``.

    As ``cypher/trending.cypher``: an order line weighs 1, a like or a good rating 0.7, a cart addition 0.5, from
    the latest ``recent_orders`` orders and ``recent_events`` other such events. Age is measured from the latest
    of those, not the wall clock, so the same data always trends the same way.
    """

    name = "trending"
    defaults = {"half_life_days": 14.0, "recent_orders": 3000, "recent_events": 5000}

    def _fit(self, interactions: Interactions) -> None:
        self.item_scores = trending_scores(interactions, **self.params)


#: What one event adds to a product's trend, before decay.
TREND_WEIGHTS = {"purchase": 1.0, "like": 0.7, "rate": 0.7, "cart": 0.5}


def trending_scores(interactions: Interactions, half_life_days: float, recent_orders: int,
                    recent_events: int) -> np.ndarray:
    """Per product, the sum over its recent events of weight x 0.5 ** (age in days / half-life)."""
    events = interactions.events
    scores = np.zeros(interactions.n_products, dtype=np.float64)
    purchases = events[events["type"] == "purchase"]
    latest_orders = (purchases.groupby("order_id")["timestamp"].max().sort_values(ascending=False)
                     .index[:recent_orders])
    others = events[events["type"].isin(["like", "cart"]) | (chose(events) & (events["type"] == "rate"))]
    recent = pd.concat([purchases[purchases["order_id"].isin(latest_orders)],
                        others.sort_values("timestamp", ascending=False, kind="stable").head(recent_events)])
    if recent.empty:
        return scores.astype(np.float32)
    age_days = (recent["timestamp"].max() - recent["timestamp"]).dt.total_seconds().to_numpy() / 86400.0
    decay = recent["type"].map(TREND_WEIGHTS).to_numpy(dtype=np.float64) * np.power(0.5, age_days / half_life_days)
    np.add.at(scores, recent["product"].to_numpy(dtype=np.int64), decay)
    return scores.astype(np.float32)
