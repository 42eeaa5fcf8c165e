"""Business rules every recommendation list passes through after ranking, before a shopper sees it.

1. Leave out what the shopper must not be shown again (``excluded_products``): what they disliked or rated
   1-2, what they bought in a single order (a product they buy repeatedly may come back), what they rated
   (they have it) and what sits in their cart.
2. Merchandiser rules (``MerchandiserRules``): pin, boost, bury or exclude products, from ``(:Rule)`` nodes.
   The hook is here; the merchandising work fills it in (``NoMerchandiserRules`` until then).
3. Diversity (``diversify``): at most ``cap`` products of one category in the first ``window`` places, unless
   too few other products are left to fill them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from shopgraph.graph.recommendations import PURCHASED, ShopperHistory

#: At most this many products of one category in the first ``DIVERSITY_WINDOW`` places.
DIVERSITY_CAP = 3
DIVERSITY_WINDOW = 10


@dataclass
class Ranked:
    """A product on its way into a recommendation list: its score, its evidence (strongest first) and its
    category (the leaf category id, what diversity counts; None when uncategorised)."""

    product_id: str
    score: float
    because: list[dict[str, Any]] = field(default_factory=list)
    category: str | None = None


def excluded_products(history: ShopperHistory | None) -> set[str]:
    """Products this shopper must not be recommended right now."""
    if history is None:
        return set()
    repeat = {i.product_id for i in history.of_type(PURCHASED) if (i.count or 0) >= 2}
    return set(history.disliked) | set(history.bought_once) | (set(history.rated) - repeat) | set(history.in_cart)


def leave_out(items: list[Ranked], excluded: set[str]) -> list[Ranked]:
    return [item for item in items if item.product_id not in excluded]


def diversify(items: list[Ranked], cap: int = DIVERSITY_CAP, window: int = DIVERSITY_WINDOW) -> list[Ranked]:
    """The same items, reordered so that no category fills more than ``cap`` of the first ``window`` places.

    Items keep their order otherwise; an item held back moves to just after the window. When there are
    not enough items of other categories to fill the window, the held-back ones fill it, best first.
    """
    chosen: list[Ranked] = []
    held_back: list[Ranked] = []
    per_category: dict[str, int] = {}
    rest = iter(items)
    for item in rest:
        if len(chosen) >= window:
            chosen.append(item)
            break
        if item.category is not None:  # uncategorised items are never capped
            if per_category.get(item.category, 0) >= cap:
                held_back.append(item)
                continue
            per_category[item.category] = per_category.get(item.category, 0) + 1
        chosen.append(item)
    if len(chosen) < window:
        missing = window - len(chosen)
        chosen.extend(held_back[:missing])
        held_back = held_back[missing:]
        return chosen + held_back
    return chosen[:window] + held_back + chosen[window:] + list(rest)


class MerchandiserRules(Protocol):
    """Merchandisers' say over a list, applied after the shopper's own exclusions.

    ``apply`` gets every candidate (more than will be shown), best first, and returns the list to show
    from, best first. A rule may drop products (exclude), change scores (boost, bury) or put products at
    the top (pin) -- a pinned product not among the candidates is added with ``because`` =
    ``[{"kind": "pinned"}]``. It must not bring back a product in ``excluded``.
    """

    def apply(self, user_id: str | None, items: list[Ranked], excluded: set[str]) -> list[Ranked]: ...


class NoMerchandiserRules:
    """No merchandiser rules: the list as the ranker made it."""

    def apply(self, user_id: str | None, items: list[Ranked], excluded: set[str]) -> list[Ranked]:
        return items
