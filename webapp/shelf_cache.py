"""Product cards and category names for recommendation shelves, kept in each process for a few seconds.

A shelf names up to a hundred products; reading their cards would cost a round trip as large as the list
itself on every request, while cards change rarely (a new rating moves an average a little, a merchandiser
edits a name now and then). Product pages and listings read the graph fresh; only shelves use this cache.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from graph.catalog import Catalog

#: How long a card or name is reused, in seconds: the most a shelf lags behind a change.
TTL = 30.0
MAX_ENTRIES = 50_000

_MISSING = object()


class _TimedValues:
    """Values by key, each kept ``ttl`` seconds (an absent key is remembered as None), least recently used
    dropped beyond ``max_entries``. Thread-safe."""

    def __init__(self, ttl: float, max_entries: int) -> None:
        self.ttl, self.max_entries = ttl, max_entries
        self._entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys: Iterable[str], load: Callable[[list[str]], dict[str, Any]]) -> dict[str, Any]:
        """The value of every key, loading those not held (``load(missing)`` -> {key: value})."""
        keys = list(dict.fromkeys(keys))
        now = time.monotonic()
        found: dict[str, Any] = {}
        with self._lock:
            for key in keys:
                entry = self._entries.get(key, _MISSING)
                if entry is not _MISSING and entry[0] > now:
                    found[key] = entry[1]
                    self._entries.move_to_end(key)
        missing = [key for key in keys if key not in found]
        if missing:
            loaded = load(missing)
            expires = time.monotonic() + self.ttl
            with self._lock:
                for key in missing:
                    found[key] = loaded.get(key)
                    self._entries[key] = (expires, found[key])
                    self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class ShelfCache:
    """One per app (``app.extensions["shelf_cache"]``): the cards and category names shelves show."""

    def __init__(self, ttl: float = TTL, max_entries: int = MAX_ENTRIES) -> None:
        self._cards = _TimedValues(ttl, max_entries)
        self._category_names = _TimedValues(ttl, max_entries)

    def products(self, catalog: Catalog, product_ids: list[str]) -> list[dict[str, Any]]:
        """Product cards in the order of ``product_ids``, leaving out ids that name no product."""
        cards = self._cards.get_many(
            product_ids, lambda missing: {card["id"]: card for card in catalog.products(missing)})
        return [cards[pid] for pid in dict.fromkeys(product_ids) if cards.get(pid) is not None]

    def category_names(self, catalog: Catalog, category_ids: list[str]) -> dict[str, str]:
        names = self._category_names.get_many(category_ids, catalog.category_names)
        return {cid: name for cid, name in names.items() if name is not None}

    def clear(self) -> None:
        self._cards.clear()
        self._category_names.clear()
