"""Product cards and category names for recommendation shelves, kept in each process and refreshed behind the
requests that show them.

A shelf names up to a hundred products; reading their cards would cost a round trip as large as the list
itself on every request, while cards change rarely (a new rating moves an average a little, a merchandiser
edits a name now and then). Product pages and listings read the graph fresh; only shelves use this cache.

Read ahead: the first shelf a process shows starts a background read of the cards of the ``WARM_ENTRIES`` most
ordered products, so that a server just started does not make its first shoppers wait for cards one list at a
time (in a fresh process, most lists after an event named a card it had never held).

Refreshed, not expired: a card older than ``TTL`` is still shown, and the request that found it so hands it to a
background read (one per process, gathering ``REFRESH_DELAY`` seconds of such cards into one round trip). Only a
card the process has never held makes a request wait. When cards simply expired after two minutes, a shelf names
its shopper's own products in its reasons, so across a catalogue of thousands nearly every list after an event
found one card expired and paid a read for it. A card that could not be refreshed for ``MAX_AGE`` (Neo4j away)
is read again before it is shown.

A product written or deleted through the API is put right at once in the cache of the process that handled the
call (``put_product``, ``forget_product``); the other processes show the old card, or a deleted product, for
``TTL`` seconds and one background read more.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from shopgraph.graph.catalog import Catalog
from shopgraph.models.serving_cache import ExpiringCache
from shopgraph.webapp import ops_metrics

log = logging.getLogger(__name__)

#: How long a card or name is shown as it was read before a background read refreshes it, in seconds.
TTL = 120.0
#: The oldest a value may be shown when refreshing it keeps failing.
MAX_AGE = 10 * TTL
#: How long a refresh waits to gather the values other requests find old into the same read.
REFRESH_DELAY = 1.0
#: Values per refreshing read.
REFRESH_BATCH = 1000
MAX_ENTRIES = 50_000
#: Cards read ahead when a process shows its first shelf: half the cache, leaving the rest to the long tail.
WARM_ENTRIES = MAX_ENTRIES // 2

#: What the cache holds for an id that names nothing (the cache itself answers None for "not held").
_ABSENT = object()

Load = Callable[[list[str]], dict[str, Any]]


class _TimedValues:
    """Values by key, loaded a batch at a time and refreshed in the background once older than ``ttl``; an id
    that names nothing is remembered too, so a deleted product costs no read per shelf. Hits and misses per key
    are counted under ``name`` (a value shown while it is refreshed is a hit)."""

    def __init__(self, name: str, ttl: float, max_entries: int) -> None:
        self.name, self.ttl = name, ttl
        self._cache = ExpiringCache(max_entries, max(ttl, MAX_AGE))
        self._old: set[str] = set()
        self._load: Load | None = None
        self._ahead: Callable[[], list[str]] | None = None
        self._warmed = False
        self._refresher: threading.Thread | None = None
        self._closed = threading.Event()
        self._lock = threading.Lock()

    def get_many(self, keys: Iterable[str], load: Load) -> dict[str, Any]:
        """The value of every key (None for one that names nothing), loading those not held
        (``load(missing)`` -> {key: value}) and handing those older than ``ttl`` to the background refresh."""
        keys = list(dict.fromkeys(keys))
        held = {key: self._cache.get(key, "") for key in keys}
        missing = [key for key, entry in held.items() if entry is None]
        ops_metrics.count_cache(self.name, hits=len(keys) - len(missing), misses=len(missing))
        values = {key: entry[1] for key, entry in held.items() if entry is not None}
        if missing:
            loaded = load(missing)
            for key in missing:
                values[key] = loaded.get(key, _ABSENT)
                self._cache.put(key, "", (time.monotonic(), values[key]))
        old_after = time.monotonic() - self.ttl
        old = [key for key, entry in held.items() if entry is not None and entry[0] < old_after]
        if old:
            self._refresh_later(old, load)
        return {key: None if value is _ABSENT else value for key, value in values.items()}

    def put(self, key: str, value: Any) -> None:
        """Holds ``value`` for ``key`` (None: the key names nothing) from now on."""
        self._cache.put(key, "", (time.monotonic(), _ABSENT if value is None else value))

    def clear(self) -> None:
        """Forgets every value; the next ``warm`` reads ahead again."""
        self._cache.clear()
        with self._lock:
            self._old.clear()
            self._warmed = False

    def warm(self, keys: Callable[[], list[str]], load: Load) -> None:
        """Once per process: the background read loads the values of ``keys()`` it does not hold."""
        if self._warmed:  # every shelf asks: after the first, no lock is taken
            return
        with self._lock:
            if self._warmed:
                return
            self._warmed = True
            self._ahead = keys
            self._start(load)

    def close(self, timeout: float = 10.0) -> None:
        """Ends the background read, waiting up to ``timeout`` seconds for a read in flight, and starts none
        again: the app closes its driver next, and the driver may not close while a thread still uses it."""
        with self._lock:
            self._closed.set()
            refresher = self._refresher
        if refresher is not None:
            refresher.join(timeout)

    def _refresh_later(self, keys: list[str], load: Load) -> None:
        """Queues old values for the background read, starting it unless it runs."""
        with self._lock:
            self._old.update(keys)
            self._start(load)

    def _start(self, load: Load) -> None:
        """Starts the background read unless it runs: after the first request that needs it, not at import,
        because gunicorn forks workers and a thread does not survive the fork. Called holding the lock."""
        self._load = load
        if self._refresher is None and not self._closed.is_set():
            self._refresher = threading.Thread(target=self._refresh, name=f"shopgraph-{self.name}", daemon=True)
            self._refresher.start()

    def _read_ahead(self) -> None:
        """Loads the values ``warm`` asked for that are not held, a batch at a time."""
        with self._lock:
            ahead, self._ahead, load = self._ahead, None, self._load
        if ahead is None or load is None or self._closed.is_set():
            return
        try:
            keys = ahead()
            for start in range(0, len(keys), REFRESH_BATCH):
                if self._closed.is_set():
                    return
                batch = [key for key in keys[start:start + REFRESH_BATCH] if self._cache.get(key, "") is None]
                if not batch:
                    continue
                started = time.monotonic()
                loaded = load(batch)
                for key in batch:
                    # A request that read the value meanwhile put it: what the shopper saw stands.
                    if self._cache.get(key, "") is None:
                        self._cache.put(key, "", (started, loaded.get(key, _ABSENT)))
        except Exception:  # noqa: BLE001 -- requests read what they miss, as without reading ahead
            log.warning("could not read %s ahead; requests read them as they need them", self.name, exc_info=True)

    def _refresh(self) -> None:
        self._closed.wait(REFRESH_DELAY)
        self._read_ahead()
        while True:
            with self._lock:
                keys = sorted(self._old)[:REFRESH_BATCH]
                self._old.difference_update(keys)
                load = self._load
                if not keys or load is None or self._closed.is_set():
                    self._refresher = None
                    return
            started = time.monotonic()
            try:
                loaded = load(keys)
            except Exception:  # noqa: BLE001 -- the old values stay shown; requests queue them again
                log.warning("could not refresh %d cached %s; showing them as they were", len(keys), self.name,
                            exc_info=True)
                with self._lock:
                    self._old.clear()
                    self._refresher = None
                return
            for key in keys:
                held = self._cache.get(key, "")
                # A value put while the read ran (a product written or deleted through the API) is newer.
                if held is None or held[0] < started:
                    self._cache.put(key, "", (started, loaded.get(key, _ABSENT)))


class ShelfCache:
    """One per app (``app.extensions["shelf_cache"]``): the cards and category names shelves show."""

    def __init__(self, ttl: float = TTL, max_entries: int = MAX_ENTRIES) -> None:
        self._cards = _TimedValues("shelf_cards", ttl, max_entries)
        self._category_names = _TimedValues("shelf_category_names", ttl, max_entries)

    def products(self, catalog: Catalog, product_ids: list[str]) -> list[dict[str, Any]]:
        """Product cards in the order of ``product_ids``, leaving out ids that name no product."""
        def load(ids: list[str]) -> dict[str, Any]:
            return {card["id"]: card for card in catalog.products(ids)}

        self._cards.warm(lambda: catalog.shelf_products(WARM_ENTRIES), load)
        cards = self._cards.get_many(product_ids, load)
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

    def close(self, timeout: float = 10.0) -> None:
        """Ends the background reads, waiting up to ``timeout`` seconds in all for reads in flight (``close_app``)."""
        deadline = time.monotonic() + timeout
        self._cards.close(timeout)
        self._category_names.close(max(0.0, deadline - time.monotonic()))
