"""Online metrics for the pages and the API: an id for every recommendation list served, its impressions and
the clicks on it, and which strategy a shopper gets while an A/B test runs.

Serving a list must not wait for a write, so lists and clicks go to a small in-process writer that batches
them into one transaction every ``WRITE_DELAY`` seconds (``ListLog``; under test they are written at once).
A click may therefore be written before its list (another worker served the list a moment ago): both writes
MERGE the list by id, and reports count only clicks on products the list showed. Metrics are best effort: a failed write is logged and dropped, never
shown to a shopper. ``flush()`` waits for everything queued (tests, shutdown).

Links to recommended products carry ``?rec=<list id>``; the product page records the click (``clicked``).
"""
from __future__ import annotations

import logging
import queue
import re
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from flask import Flask, current_app
from neo4j.exceptions import DriverError

from graph.experiments import Experiments, RecommendationLists, assign_variant

log = logging.getLogger(__name__)

# Short: a batch of a few dozen lists is a small, steady write; longer waits gathered hundreds into one
# transaction whose burst of Neo4j work held up the reads of every request around it (p99 +30% at 8 clients).
WRITE_DELAY = 0.05         # seconds a list may wait in memory before it is written
MAX_BATCH = 500            # lists or clicks per transaction
IDLE_SECONDS = 30.0        # the writer thread stops after this long without work (and restarts on demand)
EXPERIMENT_TTL = 10.0      # seconds the running experiment is remembered; other processes follow within this
LIST_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class Assignment:
    """A shopper's place in the running experiment."""

    experiment_id: str
    variant: str
    strategy: str


class ListLog:
    """Lists and clicks waiting to be written, and the thread that writes them in batches.

    With ``synchronous`` every row is written at once in the caller's thread instead: what the app does
    under test, where each test closes the app's driver as soon as it ends and a writer thread could still
    be using it.
    """

    def __init__(self, graph, delay: float = WRITE_DELAY, synchronous: bool = False) -> None:
        self.repository = RecommendationLists(graph)
        self.delay, self.synchronous = delay, synchronous
        self._queue: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def add(self, kind: str, row: dict[str, Any]) -> None:
        """Queues a ``"list"`` or ``"click"`` row for the next batch (or writes it, when synchronous)."""
        if self.synchronous:
            self._write([(kind, row)])
            return
        self._queue.put((kind, row))
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="shopgraph-list-log", daemon=True)
                self._thread.start()

    def flush(self, timeout: float = 10.0) -> bool:
        """Waits until everything queued so far is written (or dropped); False on timeout."""
        deadline = time.monotonic() + timeout
        with self._queue.all_tasks_done:
            while self._queue.unfinished_tasks:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._queue.all_tasks_done.wait(remaining):
                    return False
        return True

    def _run(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            batch = [first]
            deadline = time.monotonic() + self.delay
            while len(batch) < MAX_BATCH and (remaining := deadline - time.monotonic()) > 0:
                try:
                    batch.append(self._queue.get(timeout=remaining))
                except queue.Empty:
                    break
            try:
                self._write(batch)
            finally:
                for _ in batch:
                    self._queue.task_done()

    def _write(self, batch: list[tuple[str, dict[str, Any]]]) -> None:
        try:
            self.repository.record([row for kind, row in batch if kind == "list"])
            self.repository.record_clicks([row for kind, row in batch if kind == "click"])
        except DriverError as error:  # the app closed its driver (shutting down): nothing to retry
            log.warning("dropped %d recommendation lists/clicks: %s", len(batch), error)
        except Exception:  # metrics never take the shop down; the log says what was lost
            log.exception("could not record %d recommendation lists/clicks", len(batch))


class OnlineMetrics:
    """One per app (``app.extensions["online_metrics"]``)."""

    def __init__(self, graph, enabled: bool = True, synchronous: bool = False) -> None:
        self.enabled = enabled
        self.log = ListLog(graph, synchronous=synchronous)
        self.experiments = Experiments(graph)
        self._experiment: dict[str, Any] | None = None
        self._experiment_expires = float("-inf")
        self._lock = threading.Lock()

    # -- experiments --------------------------------------------------------------------------
    def running_experiment(self) -> dict[str, Any] | None:
        with self._lock:
            if time.monotonic() >= self._experiment_expires:
                self._experiment = self.experiments.active()
                self._experiment_expires = time.monotonic() + EXPERIMENT_TTL
            return self._experiment

    def forget_experiment(self) -> None:
        """Re-read the running experiment on next use (after the dashboard starts or stops one)."""
        with self._lock:
            self._experiment_expires = float("-inf")

    def assignment(self, user_id: str | None) -> Assignment | None:
        """The shopper's variant of the running experiment; None for visitors or when none runs."""
        if user_id is None or not self.enabled:
            return None
        experiment = self.running_experiment()
        if experiment is None:
            return None
        variant = assign_variant(experiment["id"], user_id)
        strategy = experiment["strategyA"] if variant == "A" else experiment["strategyB"]
        return Assignment(experiment["id"], variant, strategy)

    # -- lists and clicks ---------------------------------------------------------------------
    def served(self, product_ids: Iterable[str], strategy: str, user_id: str | None, surface: str,
               assignment: Assignment | None = None) -> str | None:
        """Records a list as shown and returns its id (None for an empty list or with metrics off)."""
        product_ids = list(product_ids)
        if not product_ids or not self.enabled:
            return None
        list_id = uuid.uuid4().hex
        self.log.add("list", {
            "id": list_id, "strategy": strategy, "surface": surface, "at": datetime.now(timezone.utc),
            "userId": user_id, "experimentId": assignment.experiment_id if assignment else None,
            "variant": assignment.variant if assignment else None, "productIds": product_ids,
        })
        return list_id

    def clicked(self, list_id: str | None, product_id: str, user_id: str | None) -> bool:
        """Records a click on a product of a list; False (nothing recorded) for a malformed list id."""
        if not self.enabled or not isinstance(list_id, str) or not LIST_ID.match(list_id):
            return False
        self.log.add("click", {"listId": list_id, "productId": product_id, "at": datetime.now(timezone.utc),
                               "userId": user_id})
        return True

    def flush(self, timeout: float = 10.0) -> bool:
        return self.log.flush(timeout)


def init_app(app: Flask) -> None:
    """Registers the app's OnlineMetrics once (blueprints that serve lists call this when registered).
    ``ONLINE_METRICS = False`` in the config turns recording and experiments off; ``ONLINE_METRICS_SYNC``
    (default: on under ``TESTING``) writes each list and click before the response instead of in batches."""
    if "online_metrics" not in app.extensions:
        app.extensions["online_metrics"] = OnlineMetrics(
            app.extensions["neo4j"], enabled=app.config.get("ONLINE_METRICS", True),
            synchronous=app.config.get("ONLINE_METRICS_SYNC", app.testing))


def metrics() -> OnlineMetrics:
    return current_app.extensions["online_metrics"]
