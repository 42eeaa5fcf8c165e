"""The recommendation service's caches: lists per shopper (an ``ExpiringCache``, which the shop's shelves use
too), and values every shopper shares."""
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
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, fingerprint: str, value: Any) -> None:
        with self._lock:
            self._entries[key] = (fingerprint, time.monotonic() + self.ttl, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


class ShopperCache(ExpiringCache):
    """Lists per (shopper, strategy, k, ...), valid while the shopper's activity fingerprint is unchanged."""

    def forget(self, user_id: str) -> None:
        """Drop every entry whose key starts with ``user_id``."""
        with self._lock:
            for key in [key for key in self._entries if key[0] == user_id]:
                del self._entries[key]


class SharedValue:
    """A value every shopper shares (trending, popular, the product vectors), loaded on first use and
    reloaded after ``ttl`` seconds by one thread while the others keep using the old one."""

    def __init__(self, load: Callable[[], Any], ttl: float) -> None:
        self.load, self.ttl = load, ttl
        self._value: Any = None
        self._expires = 0.0
        self._lock = threading.Lock()

    def get(self) -> Any:
        if self._value is not None and self._expires > time.monotonic():
            return self._value
        if self._value is not None and not self._lock.acquire(blocking=False):
            return self._value          # another thread is reloading it
        if self._value is None:
            self._lock.acquire()
        try:
            if self._value is None or self._expires <= time.monotonic():
                self._value = self.load()
                self._expires = time.monotonic() + self.ttl
            return self._value
        finally:
            self._lock.release()

    def reset(self) -> None:
        """Reload on next use."""
        self._expires = 0.0
