"""The parameters a strategy file gets for a shopper, made as serving makes them: ``$userId``, ``$k``,
``$seeds``, the shopper's products strongest first (``models.serving_blend.choose_seeds`` over their latest
history), and ``$before``, null as when serving (training alone sets it, to read the graph as of the start of its
validation period). The author's tools use them (``shopgraph cypher NAME``, ``--profile``, the Browser guide), so that a
strategy is tried on exactly what the shop would give it.
"""
from __future__ import annotations

from typing import Any


def sample_shopper(graph) -> str | None:
    """A shopper with history to try a strategy on: the one with the most orders (``cypher/active_shoppers``)."""
    row = graph.read_one("active_shoppers", limit=1)
    return row["id"] if row else None


def strategy_parameters(graph, user_id: str | None, k: int = 10) -> dict[str, Any]:
    """``{"userId", "k", "seeds", "before"}`` for the shopper (no seeds for a visitor or an id the graph does not
    know)."""
    from shopgraph.graph.recommendations import RecommendationRepository
    from shopgraph.models.serving import Limits
    from shopgraph.models.serving_blend import choose_seeds

    limits = Limits()
    history = RecommendationRepository(graph).history(user_id, limits.history) if user_id is not None else None
    seeds = choose_seeds(history, limits.seeds)[0] if history is not None else []
    return {"userId": user_id, "k": k, "seeds": [{"id": seed["id"], "weight": round(float(seed["weight"]), 4)}
                                                 for seed in seeds], "before": None}
