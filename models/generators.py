"""The candidate generators the rankers combine, by the names serving uses, and their validation data.

``GENERATORS`` are the shared names (``models.vocabulary``): popular, trending, content,
collaborative, item_regression, mf, embedding. ``fit_generators`` fits them all on one ``Interactions``;
``carve_validation`` cuts a validation split out of training data the same way the dataset's test
split is cut, so hybrid weights and the multi ranker are tuned without touching the test period.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from shopgraph.models.base import Recommender
from shopgraph.models.collaborative import CollaborativeRecommender
from shopgraph.models.content import ContentRecommender
from shopgraph.models.data import Interactions
from shopgraph.models.embedding import EmbeddingRecommender
from shopgraph.models.features import GENERATORS
from shopgraph.models.item_regression import ItemRegressionRecommender
from shopgraph.models.mf import MFRecommender
from shopgraph.models.popularity import PopularRecommender, TrendingRecommender
from shopgraph.models.splits import Split, random_split, temporal_split

GENERATOR_CLASSES: dict[str, type[Recommender]] = {
    "popular": PopularRecommender,
    "trending": TrendingRecommender,
    "content": ContentRecommender,
    "collaborative": CollaborativeRecommender,
    "item_regression": ItemRegressionRecommender,
    "mf": MFRecommender,
    "embedding": EmbeddingRecommender,
}

#: Generators that take a seed (the TensorFlow ones).
SEEDED = {"mf", "embedding"}


def make_generator(name: str, seed: int = 42, params: dict[str, Any] | None = None) -> Recommender:
    cls = GENERATOR_CLASSES[name]
    params = dict(params or {})
    if name in SEEDED:
        params.setdefault("seed", seed)
    return cls(**params)


def fit_generators(interactions: Interactions, seed: int = 42, params: dict[str, dict[str, Any]] | None = None,
                   names: tuple[str, ...] = GENERATORS,
                   on_fitted: Callable[[str, Recommender], None] | None = None) -> dict[str, Recommender]:
    """Every named generator fitted on ``interactions``, in ``GENERATORS`` order."""
    params = params or {}
    fitted = {}
    for name in names:
        fitted[name] = make_generator(name, seed, params.get(name)).fit(interactions)
        if on_fitted:
            on_fitted(name, fitted[name])
    return fitted


def fit_with_validation(interactions: Interactions, validation: dict[str, Any], seed: int = 42,
                        params: dict[str, dict[str, Any]] | None = None
                        ) -> tuple[Split, dict[str, Recommender], dict[str, Recommender]]:
    """What a blend of generators learns from: a validation split carved from ``interactions``, every
    generator fitted on that split's training part (to tune on), and every generator fitted on all of it
    (to serve)."""
    split = carve_validation(interactions, validation, seed)
    return split, fit_generators(split.train, seed, params), fit_generators(interactions, seed, params)


def validation_cutoff(interactions: Interactions, validation: dict[str, Any]) -> pd.Timestamp | None:
    """Where a temporal validation carve starts (None for a random one): training's strategy files read the graph
    as of this moment, so it must be the carve's own.

    The period is counted back from the shop's last purchase, not its last event: what it holds out is purchases,
    and a shop's latest events may be likes or views long after its last sale."""
    if validation.get("kind", "temporal") != "temporal":
        return None
    events = interactions.events
    purchases = events.loc[events["type"] == "purchase", "timestamp"]
    last = purchases.max() if not purchases.empty else interactions.reference_time
    return last - pd.Timedelta(days=float(validation.get("days", 30)))


def carve_validation(interactions: Interactions, validation: dict[str, Any], seed: int = 42) -> Split:
    """A validation split inside ``interactions``.

    ``{"kind": "temporal", "days": 30}``: the last 30 days of purchases are held out (new products
    for known shoppers, as in the Online Retail protocol); ``{"kind": "random", "share": 0.25}``:
    a random quarter of each shopper's products (as in the MovieLens protocol).
    """
    kind = validation.get("kind", "temporal")
    cutoff = validation_cutoff(interactions, validation)
    if cutoff is not None:
        return temporal_split(interactions, cutoff)
    if kind == "random":
        return random_split(interactions, test_share=float(validation.get("share", 0.25)), seed=seed)
    raise ValueError(f"unknown validation kind {kind!r}; use 'temporal' or 'random'")
