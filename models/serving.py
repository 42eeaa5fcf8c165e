"""The recommendation service the shop, the API and `shopgraph recommend` call.

Serving is light: it reads graph edges and stored vectors through ``graph.recommendations``
and never imports TensorFlow. Every item carries ``because``, the evidence that put it there.

Until the trained strategies land, every strategy answers with trending products.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

STRATEGIES = ("popular", "trending", "content", "collaborative", "mf", "embedding", "hybrid", "multi")


@dataclass
class Recommendation:
    product_id: str
    score: float
    because: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class UnknownStrategy(ValueError):
    pass


class RecommendationService:
    """One per process; thread-safe. ``graph`` is a ``graph.db.Graph``."""

    def __init__(self, graph, artefacts_dir=None) -> None:
        self.graph = graph

    def recommend(self, user_id: str | None, k: int = 10, strategy: str = "hybrid") -> list[Recommendation]:
        """Top-k products for a shopper (None: a visitor), without what they just bought or disliked."""
        if strategy not in STRATEGIES:
            raise UnknownStrategy(strategy)
        rows = self.graph.read(
            "MATCH (p:Product)<-[r:PURCHASED|ADDED_TO_CART|LIKED]-() "
            "WITH p, count(r) AS n ORDER BY n DESC LIMIT $k "
            "RETURN p.id AS id, n", k=k)
        return [Recommendation(row["id"], float(row["n"]), [{"kind": "trending"}]) for row in rows]

    def similar_products(self, product_id: str, k: int = 10) -> list[Recommendation]:
        """Products like this one (content), each with its reason."""
        return []

    def bought_together(self, product_id: str, k: int = 10) -> list[Recommendation]:
        """Products bought in the same baskets as this one, each with its reason."""
        return []

    def forget(self, user_id: str) -> None:
        """Drop anything cached for this shopper; called after every feedback event."""
