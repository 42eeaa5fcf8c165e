"""A product page's rows: products like this one, and products bought with it.

Neither depends on who is looking, so neither reads a shopper: both are walks from the product
(``graph.recommendations``), each item naming the evidence that put it there.
"""
from __future__ import annotations

from collections import defaultdict

from shopgraph.graph.recommendations import Candidate, RecommendationRepository
from shopgraph.models.list_finishing import Recommendation


class ProductLists:
    def __init__(self, repository: RecommendationRepository) -> None:
        self.repository = repository

    def similar_products(self, product_id: str, k: int = 10) -> list[Recommendation]:
        """Products like this one (content), each with its reason."""
        return merge_rows(self.repository.similar_products(product_id, k), k)

    def bought_together(self, product_id: str, k: int = 10) -> list[Recommendation]:
        """Products bought in the same baskets as this one, each with its reason."""
        rows = [row for row in self.repository.bought_together(product_id, k) if row.product_id != product_id]
        trained = merge_rows([row for row in rows if row.source == "bought_with"], k)
        # The latest baskets top the trained neighbours up (a product newer than the last training has only
        # those), ranked after them.
        floor = min((item.score for item in trained), default=1.0)
        shown = {item.product_id for item in trained}
        live = [item for item in merge_rows([row for row in rows if row.source != "bought_with"], k)
                if item.product_id not in shown]
        top = max((item.score for item in live), default=1.0) or 1.0
        for item in live:
            item.score = round(0.5 * floor * item.score / top, 6)
        return (trained + live)[:k]


def merge_rows(rows: list[Candidate], k: int) -> list[Recommendation]:
    """Rows of one list (similar products, bought together, a strategy file), the best score per product kept,
    reasons gathered, best first."""
    scores: dict[str, float] = defaultdict(float)
    because: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        scores[row.product_id] = max(scores[row.product_id], row.score)
        if row.reason not in because[row.product_id]:
            because[row.product_id].append(row.reason)
    ordered = sorted(scores, key=lambda pid: (-scores[pid], pid))[:k]
    return [Recommendation(pid, round(scores[pid], 6), because[pid]) for pid in ordered]
