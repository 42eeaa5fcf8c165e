"""Merchandiser rules applied to a recommendation list: pin, boost, bury and exclude.

``apply_rules`` is a pure function over a ranked list (``models.rules.Ranked``, best first) and the rules in
force (``graph.rules.ActiveRule``, each already resolved to the products it covers):

- exclude: the products leave the list.
- bury / boost: a product's score moves down / up by ``weight`` x the list's score range (best minus worst),
  so weight 1 moves it past every product no rule touches; several rules on one product add up. A boosted
  product's evidence starts with ``{"kind": "boosted", "rule": id}``.
- pin: the products go to the very top, pins with a higher weight first. A product pin adds its product even
  when the ranker did not find it; a category or brand pin lifts up to ``PIN_LIMIT`` of its products, those in
  the list first (best first), then its best-sellers. A pinned product's evidence starts with
  ``{"kind": "pinned", "rule": id}``.

No rule ever brings back a product in ``excluded`` (what the shopper just bought, disliked, or has in the cart),
and exclude wins over every other rule. With no rules the list comes back unchanged.

``GraphMerchandiserRules`` is the recommendation service's hook (``models.rules.MerchandiserRules``): it reads
the rules in force from the graph at most every few seconds and applies them.
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from shopgraph.graph.rules import PIN_LIMIT, ActiveRule, Rules
from shopgraph.models.rules import Ranked
from shopgraph.models.serving_cache import SharedValue

#: How long the rules read from the graph are used before they are read again, in seconds. A rule created
#: in this process is seen at once (``refresh``); other processes see it within this time.
RULES_TTL = 10.0


def apply_rules(items: list[Ranked], rules: Iterable[ActiveRule], excluded: Iterable[str] = (),
                pin_limit: int = PIN_LIMIT) -> list[Ranked]:
    """The list as the rules make it, best first (see the module docstring). ``items`` is not modified."""
    rules = list(rules)
    if not rules:
        return items
    shopper_excluded = set(excluded)
    banned = set().union(*(rule.products for rule in rules if rule.kind == "exclude"))
    kept = [item for item in items if item.product_id not in banned]

    adjusted = _boost_and_bury(kept, [rule for rule in rules if rule.kind in ("boost", "bury")])
    pins = sorted((rule for rule in rules if rule.kind == "pin"), key=lambda rule: -rule.weight)
    pinned = _pinned(adjusted, pins, banned | shopper_excluded, pin_limit)
    if not pinned:
        return adjusted
    taken = {item.product_id for item in pinned}
    rest = [item for item in adjusted if item.product_id not in taken]
    # Pinned scores sit above the rest, in pin order, so the list stays sorted by score.
    top = max((item.score for item in rest), default=0.0)
    step = _spread(adjusted) or 1.0
    return [replace(item, score=top + step * (len(pinned) - i)) for i, item in enumerate(pinned)] + rest


def _spread(items: list[Ranked]) -> float:
    """The list's score range; for a list of equal scores, the size of its scores (so moves still move)."""
    if not items:
        return 0.0
    scores = [item.score for item in items]
    return (max(scores) - min(scores)) or abs(max(scores)) or 1.0


def _boost_and_bury(items: list[Ranked], rules: list[ActiveRule]) -> list[Ranked]:
    if not rules:
        return items
    spread = _spread(items)
    moved: list[tuple[Ranked, float]] = []
    for item in items:
        shift, boosted_by = 0.0, None
        for rule in rules:
            if item.product_id in rule.products:
                shift += rule.weight if rule.kind == "boost" else -rule.weight
                if rule.kind == "boost" and boosted_by is None:
                    boosted_by = rule.id
        if shift == 0.0 and boosted_by is None:
            moved.append((item, 0.0))
            continue
        because = item.because
        if boosted_by is not None:
            because = [{"kind": "boosted", "rule": boosted_by}, *because]
        moved.append((replace(item, score=item.score + shift * spread, because=because), shift))
    # On equal scores a boosted product goes first and a buried one last (weight 1 then means "past every
    # product no rule touches"); otherwise the order stays as it was.
    return [item for item, _ in sorted(moved, key=lambda pair: (-pair[0].score, -pair[1]))]


def _pinned(items: list[Ranked], pins: list[ActiveRule], blocked: set[str], pin_limit: int) -> list[Ranked]:
    """The pinned products, in pin order, each with ``pinned`` evidence first."""
    by_id = {item.product_id: item for item in items}
    chosen: list[Ranked] = []
    taken: set[str] = set()
    for rule in pins:
        limit = 1 if len(rule.products) == 1 else pin_limit
        in_list = [item.product_id for item in items if item.product_id in rule.products]
        picks = [pid for pid in dict.fromkeys([*in_list, *rule.pinned])
                 if pid not in blocked and pid not in taken][:limit]
        for product_id in picks:
            found = by_id.get(product_id)
            because = [{"kind": "pinned", "rule": rule.id}, *(found.because if found else [])]
            chosen.append(Ranked(product_id, found.score if found else 0.0, because,
                                 found.category if found else None))
            taken.add(product_id)
    return chosen


@dataclass(frozen=True)
class _InForce:
    """The rules in force, read together, with what every served list asks of them."""

    rules: list[ActiveRule]
    version: str
    addable: frozenset[str]

    @classmethod
    def of(cls, rules: list[ActiveRule]) -> _InForce:
        pinned = frozenset().union(*(rule.pinned for rule in rules if rule.kind == "pin"))
        return cls(rules, _version_of(rules), pinned)


class GraphMerchandiserRules:
    """The merchandiser rules stored in the graph, applied to every list (``models.rules.MerchandiserRules``).

    Thread-safe. The rules in force are read at most every ``ttl`` seconds, by one request while the others
    keep applying the rules read before (``SharedValue``); ``refresh()`` makes the next use read them again (the
    dashboard and the rules API call it after a change).
    """

    def __init__(self, graph, ttl: float = RULES_TTL, clock: Callable[[], float] = time.monotonic) -> None:
        self.repository = Rules(graph)
        self.ttl = ttl
        self._in_force = SharedValue(lambda: _InForce.of(self.repository.active()), ttl, clock)

    def current(self) -> list[ActiveRule]:
        """The rules in force now (from the graph, or from a read at most ``ttl`` seconds old)."""
        return self._in_force.get().rules

    def refresh(self) -> None:
        self._in_force.reset()

    @property
    def version(self) -> str:
        """Changes whenever the rules in force change: for a cache of finished lists to key on, so that
        every process drops its lists within ``ttl`` of a change made elsewhere."""
        return self._in_force.get().version

    def addable_products(self) -> frozenset[str]:
        """Products a pin may add to a list whose ranking did not propose them: the service checks these
        against the shopper's exclusions when it serves a list made ahead of time."""
        return self._in_force.get().addable

    def apply(self, user_id: str | None, items: list[Ranked], excluded: set[str]) -> list[Ranked]:
        return apply_rules(items, self.current(), excluded)


def _version_of(rules: list[ActiveRule]) -> str:
    return hashlib.blake2b(repr([(r.id, r.kind, r.weight, len(r.products), r.pinned) for r in rules]).encode(),
                           digest_size=8).hexdigest()


def describe_changes(before: list[Any], after: list[Any]) -> dict[str, dict[str, Any]]:
    """Per product id, how a list changed: ``{"was": position or None, "now": position or None}`` (from 1),
    for the dashboard's before-and-after view. ``before``/``after`` hold objects with ``product_id``."""
    was = {item.product_id: i + 1 for i, item in enumerate(before)}
    now = {item.product_id: i + 1 for i, item in enumerate(after)}
    return {pid: {"was": was.get(pid), "now": now.get(pid)} for pid in dict.fromkeys([*now, *was])}
