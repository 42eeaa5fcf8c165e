"""Product cards and category names for recommendation shelves, kept in each process for two minutes.

A shelf names up to a hundred products; reading their cards would cost a round trip as large as the list
itself on every request, while cards change rarely (a new rating moves an average a little, a merchandiser
edits a name now and then). Product pages and listings read the graph fresh; only shelves use this cache.

Two minutes, not seconds: every card expires that long after it was read, and with thousands of products on
shelves a short life meant a card read on one request in four under load (30 s), a fifth of the
recommendation endpoint's time.

A product written or deleted through the API is put right at once in the cache of the process that handled the
call (``put_product``, ``forget_product``); the other processes show the old card, or a deleted product, for at
most ``TTL`` seconds more.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from shopgraph.graph.catalog import Catalog
from shopgraph.models.serving_cache import ExpiringCache
from shopgraph.webapp import ops_metrics

#: How long a card or name is reused, in seconds: the most a shelf lags behind a change.
TTL = 120.0
MAX_ENTRIES = 50_000

#: What the cache holds for an id that names nothing (the cache itself answers None for "not held").
_ABSENT = object()


class _TimedValues:
    """Values by key for ``ttl`` seconds, loaded a batch at a time; an id that names nothing is remembered
    too, so a deleted product costs no read per shelf. Hits and misses per key are counted under ``name``."""

    def __init__(self, name: str, ttl: float, max_entries: int) -> None:
        self.name = name
        self._cache = ExpiringCache(max_entries, ttl)

    def get_many(self, keys: Iterable[str], load: Callable[[list[str]], dict[str, Any]]) -> dict[str, Any]:
        """The value of every key (None for one that names nothing), loading those not held
        (``load(missing)`` -> {key: value})."""
        keys = list(dict.fromkeys(keys))
        held = {key: self._cache.get(key, "") for key in keys}
        missing = [key for key, value in held.items() if value is None]
        ops_metrics.count_cache(self.name, hits=len(keys) - len(missing), misses=len(missing))
        if missing:
            loaded = load(missing)
            for key in missing:
                held[key] = loaded.get(key, _ABSENT)
                self._cache.put(key, "", held[key])
        return {key: None if value is _ABSENT else value for key, value in held.items()}

    def put(self, key: str, value: Any) -> None:
        """Holds ``value`` for ``key`` (None: the key names nothing) from now on."""
        self._cache.put(key, "", _ABSENT if value is None else value)

    def clear(self) -> None:
        self._cache.clear()


class ShelfCache:
    """One per app (``app.extensions["shelf_cache"]``): the cards and category names shelves show."""

    def __init__(self, ttl: float = TTL, max_entries: int = MAX_ENTRIES) -> None:
        self._cards = _TimedValues("shelf_cards", ttl, max_entries)
        self._category_names = _TimedValues("shelf_category_names", ttl, max_entries)

    def products(self, catalog: Catalog, product_ids: list[str]) -> list[dict[str, Any]]:
        """Product cards in the order of ``product_ids``, leaving out ids that name no product."""
        cards = self._cards.get_many(
            product_ids, lambda missing: {card["id"]: card for card in catalog.products(missing)})
        return [cards[pid] for pid in dict.fromkeys(product_ids) if cards.get(pid) is not None]

    def put_product(self, catalog: Catalog, product_id: str) -> None:
        """Reads the product's card again now (after a write through the API)."""
        found = catalog.products([product_id])
        self._cards.put(product_id, found[0] if found else None)

    def forget_product(self, product_id: str) -> None:
        """The product is gone: shelves leave it out from now on, without a read."""
        self._cards.put(product_id, None)

    def category_names(self, catalog: Catalog, category_ids: list[str]) -> dict[str, str]:
        names = self._category_names.get_many(category_ids, catalog.category_names)
        return {cid: name for cid, name in names.items() if name is not None}

    def clear(self) -> None:
        self._cards.clear()
        self._category_names.clear()
