"""The recommendation service's caches: lists per shopper (an ``ExpiringCache``, which the shop's shelves use
too), and values every request shares (a ``SharedValue``, which also holds the rules in force, the running
experiment and the shop's menu)."""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class ExpiringCache:
    """Values by key, each valid while its fingerprint is unchanged and for at most ``ttl`` seconds; beyond
    ``max_entries`` the least recently used go first. Thread-safe."""

    def __init__(self, max_entries: int = 4096, ttl: float = 300.0) -> None:
        self.max_entries, self.ttl = max_entries, ttl
        self._entries: OrderedDict[Hashable, tuple[str, float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, fingerprint: str) -> Any:
        """The cached value, or None when absent, expired or made under another fingerprint."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            stored_fingerprint, expires, value = entry
            if stored_fingerprint != fingerprint or expires < time.monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, fingerprint: str, value: Any) -> None:
        with self._lock:
            self._entries[key] = (fingerprint, time.monotonic() + self.ttl, value)
            self._entries.move_to_end(key)
            self._added(key)
            while len(self._entries) > self.max_entries:
                self._drop(next(iter(self._entries)))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._cleared()

    def __len__(self) -> int:
        return len(self._entries)

    # Hooks for a cache that keeps an index of its keys; each runs under the lock.
    def _drop(self, key: Hashable) -> None:
        del self._entries[key]

    def _added(self, key: Hashable) -> None:
        pass

    def _cleared(self) -> None:
        pass


class ShopperCache(ExpiringCache):
    """Lists per (shopper, strategy, k, ...), valid while the shopper's activity fingerprint is unchanged.

    Keys are tuples, the shopper first. Each shopper's keys are indexed, so that ``forget`` (after every event)
    costs the few lists of that shopper rather than a scan of the whole cache.
    """

    def __init__(self, max_entries: int = 4096, ttl: float = 300.0) -> None:
        super().__init__(max_entries, ttl)
        self._keys: dict[Hashable, set[Hashable]] = {}

    def forget(self, user_id: str) -> None:
        """Drop every entry whose key starts with ``user_id``."""
        with self._lock:
            for key in self._keys.pop(user_id, ()):
                self._entries.pop(key, None)

    def _drop(self, key: Hashable) -> None:
        super()._drop(key)
        shopper = self._shopper(key)
        keys = self._keys.get(shopper)
        if keys is not None:
            keys.discard(key)
            if not keys:
                del self._keys[shopper]

    def _added(self, key: Hashable) -> None:
        self._keys.setdefault(self._shopper(key), set()).add(key)

    def _cleared(self) -> None:
        self._keys.clear()

    @staticmethod
    def _shopper(key: Hashable) -> Hashable:
        return key[0] if isinstance(key, tuple) else key


#: What a SharedValue holds before its first load (None is a value: "no experiment running").
_UNLOADED = object()


class SharedValue:
    """A value every request shares (trending, popular, the product vectors, the rules in force, the menu),
    loaded on first use and reloaded after ``ttl`` seconds by one thread while the others keep using the old
    one: once there is a value, no request waits on another's graph read, however slow the graph is.

    ``reset()`` makes the next use reload. A load already under way when it was called may have read the graph
    before the change that prompted it, so its value is served but not trusted for ``ttl``.
    """

    def __init__(self, load: Callable[[], Any], ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.load, self.ttl, self._clock = load, ttl, clock
        self._value: Any = _UNLOADED
        self._expires = float("-inf")
        self._resets = 0
        self._lock = threading.Lock()

    def get(self) -> Any:
        value = self._value
        if value is not _UNLOADED and self._expires > self._clock():
            return value
        if value is not _UNLOADED:
            if not self._lock.acquire(blocking=False):
                return value            # another thread is reloading it
        else:
            self._lock.acquire()        # nothing to serve yet: wait for the first load
        try:
            if self._value is _UNLOADED or self._expires <= self._clock():
                resets = self._resets
                self._value = self.load()
                self._expires = self._clock() + self.ttl if resets == self._resets else float("-inf")
            return self._value
        finally:
            self._lock.release()

    def reset(self) -> None:
        """Reload on next use."""
        self._resets += 1
        self._expires = float("-inf")
