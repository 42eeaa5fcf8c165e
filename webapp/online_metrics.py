"""Online metrics for the pages and the API: an id for every recommendation list served, its impressions and
the clicks on it, and which strategy a shopper gets while an A/B test runs.

A signed-in shopper's list is logged one by one (A/B tests count shoppers); a visitor's is only counted, per day,
surface and strategy (``graph.experiments.tally_id`` is the id its links carry), so anonymous traffic adds no node
per request. A click names its list by ``?rec=``; an id that names no list or tally writes nothing.

Serving a list must not wait for a write, so lists and clicks go to a small in-process writer (``ListLog``) that
batches them into one transaction every ``WRITE_DELAY`` seconds (under test they are written at once):

- the queue is bounded (``MAX_QUEUED``): when it is full a new row is dropped and counted (``dropped``), so a
  Neo4j that stalls costs metrics, never the workers' memory;
- a batch that fails is tried again ``RETRIES`` times with a growing pause, then logged and dropped: metrics are
  never shown to, or waited for by, a shopper;
- a click whose list is not written yet (another worker served it a moment ago) is tried again with a later
  batch, a few times;
- ``close()`` writes everything still queued; it runs at interpreter exit (``atexit``: a gunicorn worker exits
  normally after SIGTERM) and from ``shopgraph serve``'s ``worker_exit`` hook;
- every ``RETENTION_INTERVAL`` the writer deletes lists and tallies older than the retention age
  (``ONLINE_METRICS_RETENTION_DAYS``; ``shopgraph metrics prune`` does the same on demand).

Links to recommended products carry ``?rec=<list id>``; the product page records the click (``clicked``).
Impressions, clicks and rows dropped are also counted for Prometheus at once (``webapp.ops_metrics``), so
``/metrics`` shows click-through without a graph read.
"""
from __future__ import annotations

import atexit
import logging
import queue
import re
import threading
import time
import uuid
import weakref
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, current_app

from shopgraph.graph.config import current
from shopgraph.graph.experiments import Experiments, RecommendationLists, assign_variant, tally_id
from shopgraph.models.serving_cache import SharedValue
from shopgraph.webapp import ops_metrics

log = logging.getLogger(__name__)

# A transaction costs Neo4j more than the few lists of a short wait (1.7 ms of its processor for a batch of one
# list, 0.7 ms a list in fours, 0.2 ms a list in forties), while a batch of hundreds held up the reads of every
# request around it (p99 +30% at 8 clients): so a wait of a fifth of a second, and at most 50 lists at once.
WRITE_DELAY = 0.2          # seconds a list may wait in memory before it is written
MAX_BATCH = 50             # lists or clicks per transaction
# Rows waiting for the writer; at ~0.5 kB a row, at most ~10 MB per worker while Neo4j is away.
MAX_QUEUED = 20_000
RETRIES = 3                # a failed batch is written again this many times ...
RETRY_PAUSE = 0.5          # ... after 0.5 s, 1 s, 2 s
CLICK_TRIES = 3            # batches a click may wait for its list to be written ...
CLICK_RETRY_PAUSE = 1.0    # ... after 1 s, then 2 s
MAX_LATER = 1000           # clicks waiting for their list at most (a flood of made-up ids cannot grow it)
IDLE_SECONDS = 30.0        # the writer thread stops after this long without work (and restarts on demand)
RETENTION_DAYS = 90        # default age after which served lists and tallies are deleted
RETENTION_INTERVAL = 3600.0  # seconds between the writer's retention runs
EXPERIMENT_TTL = 10.0      # seconds the running experiment is remembered; other processes follow within this
LIST_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class Assignment:
    """A shopper's place in the running experiment."""

    experiment_id: str
    variant: str
    strategy: str


def _tallies(lists: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Visitors' lists summed per tally: one row per day, surface and strategy."""
    counts: Counter = Counter()
    impressions: Counter = Counter()
    for row in lists:
        key = (row["id"], row["at"].date(), row["surface"], row["strategy"])
        counts[key] += 1
        impressions[key] += len(row["productIds"])
    return [{"id": key[0], "day": key[1], "surface": key[2], "strategy": key[3], "lists": count,
             "impressions": impressions[key]} for key, count in counts.items()]


class ListLog:
    """Lists and clicks waiting to be written, and the thread that writes them in batches.

    With ``synchronous`` every row is written at once in the caller's thread instead: what the app does
    under test, where each test closes the app's driver as soon as it ends and a writer thread could still
    be using it.
    """

    def __init__(self, graph, delay: float = WRITE_DELAY, synchronous: bool = False, max_queued: int = MAX_QUEUED,
                 retries: int = RETRIES, retry_pause: float = RETRY_PAUSE, retention_days: float = RETENTION_DAYS,
                 retention_interval: float = RETENTION_INTERVAL) -> None:
        self.repository = RecommendationLists(graph)
        self.delay, self.synchronous = delay, synchronous
        self.retries, self.retry_pause = retries, retry_pause
        self.retention_days, self.retention_interval = retention_days, retention_interval
        self.dropped = 0           # rows refused because the queue was full
        self.lost = 0              # rows of batches that failed every try
        self._queue: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue(maxsize=max_queued)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._next_retention = time.monotonic() + retention_interval
        self._closed = False
        self._closing = threading.Event()  # ends the writer's wait for a batch to fill
        self._later: deque[tuple[float, dict[str, Any]]] = deque(maxlen=MAX_LATER)  # (due, click) by due time
        # At exit (a gunicorn worker ends normally after SIGTERM) whatever is queued is written; a weak
        # reference, so a test's many apps do not live until exit.
        atexit.register(_close_at_exit, weakref.ref(self))

    def add(self, kind: str, row: dict[str, Any]) -> bool:
        """Queues a ``"list"`` or ``"click"`` row for the next batch (or writes it, when synchronous); False
        when the queue is full and the row was dropped (counted in ``dropped``)."""
        if self.synchronous or self._closed:
            self._write([(kind, row)])
            return True
        try:
            self._queue.put_nowait((kind, row))
        except queue.Full:
            # Dropping the new row keeps the writer's view of the queue simple (no race with its get) and loses
            # the same number of rows as dropping the oldest would.
            ops_metrics.count_dropped("queue_full")
            with self._lock:
                self.dropped += 1
                if self.dropped == 1 or self.dropped % 1000 == 0:
                    log.warning("recommendation metrics queue full: %d rows dropped so far", self.dropped)
            return False
        with self._lock:
            if self._thread is None and not self._closed:
                self._thread = threading.Thread(target=self._run, name="shopgraph-list-log", daemon=True)
                self._thread.start()
        return True

    def flush(self, timeout: float = 10.0) -> bool:
        """Waits until everything queued so far is written (or dropped); False on timeout."""
        deadline = time.monotonic() + timeout
        with self._queue.all_tasks_done:
            while self._queue.unfinished_tasks:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._queue.all_tasks_done.wait(remaining):
                    return False
        return True

    def close(self, timeout: float = 10.0) -> bool:
        """Writes what is queued (shutdown). Rows added afterwards are written at once, in the caller's thread."""
        with self._lock:
            if self._closed:
                return True
            self._closed = True
            self._closing.set()
            running = self._thread is not None
        if not running:  # nothing is writing: write what is left here
            self._drain()
            return True
        done = self.flush(timeout)
        if self._later:  # clicks still waiting for their list get one last try
            self._write(self._due_clicks(closing=True))
        if not done:
            log.warning("shutting down with %d recommendation lists/clicks unwritten", self._queue.qsize())
        return done

    def _drain(self) -> None:
        batch: list[tuple[str, dict[str, Any]]] = []
        while True:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        if batch:
            try:
                self._write(batch)
            finally:
                for _ in batch:
                    self._queue.task_done()

    def _run(self) -> None:
        while True:
            batch = self._gather()
            due = self._due_clicks(closing=False)
            if not batch and not due:
                with self._lock:
                    if self._queue.empty() and not self._later:
                        self._thread = None
                        return
                continue
            try:
                self._write(batch + due)
                self._retain_if_due()
            finally:
                for _ in batch:
                    self._queue.task_done()

    def _gather(self) -> list[tuple[str, dict[str, Any]]]:
        """The next batch: what arrives within ``delay`` of its first row (sooner once closing); [] when nothing
        came before the idle time or the next retried click is due."""
        wait = IDLE_SECONDS if not self._later else max(0.0, self._later[0][0] - time.monotonic())
        try:
            batch = [self._queue.get(timeout=wait)]
        except queue.Empty:
            return []
        # The rest of the batch is what arrives meanwhile, taken when the delay is out: waking for every row cost
        # the threads serving lists a hand-over of the interpreter lock each. A batch already waiting is written
        # at once, and so is everything once closing.
        if self._queue.qsize() + 1 < MAX_BATCH:
            self._closing.wait(self.delay)
        while len(batch) < MAX_BATCH:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _due_clicks(self, closing: bool) -> list[tuple[str, dict[str, Any]]]:
        now, due = time.monotonic(), []
        try:
            while self._later and (closing or self._later[0][0] <= now):
                due.append(("click", self._later.popleft()[1]))
        except IndexError:  # close() and the writer both took the last one
            pass
        return due

    def _write(self, batch: list[tuple[str, dict[str, Any]]]) -> None:
        lists = [row for kind, row in batch if kind == "list" and row.get("userId") is not None]
        visitors = _tallies([row for kind, row in batch if kind == "list" and row.get("userId") is None])
        clicks = [row for kind, row in batch if kind == "click"]
        for attempt in range(self.retries + 1):
            try:
                # Lists before clicks: a click that arrived in the same batch as its list finds it.
                self.repository.record(lists)
                self.repository.record_tallies(visitors)
                unmatched = set(self.repository.record_clicks(clicks))
                break
            except Exception as error:  # metrics never take the shop down; the log says what was lost
                if attempt == self.retries or self.synchronous or _driver_closed(error):
                    ops_metrics.count_dropped("write_failed", len(batch))
                    with self._lock:
                        self.lost += len(batch)
                    log.warning("dropped %d recommendation lists/clicks after %d tries: %s", len(batch),
                                attempt + 1, error)
                    return
                # The same rows again: lists are MERGEd by id and CREATE their edges only once. A tally or click
                # whose transaction failed was rolled back with it, so counting it again counts it once.
                time.sleep(self.retry_pause * 2 ** attempt)
        if unmatched and not self.synchronous and not self._closed:
            # Another worker may be about to write the list: try the click with a later batch, a few times.
            for row in clicks:
                tries = row.get("tries", 1)
                if row["listId"] in unmatched and tries < CLICK_TRIES:
                    self._later.append((time.monotonic() + CLICK_RETRY_PAUSE * tries, {**row, "tries": tries + 1}))

    def _retain_if_due(self) -> None:
        if not self.retention_days or time.monotonic() < self._next_retention:
            return
        self._next_retention = time.monotonic() + self.retention_interval
        try:
            before = datetime.now(UTC) - timedelta(days=self.retention_days)
            deleted = self.repository.prune(before)
            if deleted:
                log.info("retention: deleted %d recommendation lists/tallies older than %s days", deleted,
                         self.retention_days)
        except Exception:
            log.exception("retention of recommendation lists failed; trying again in %.0f s", self.retention_interval)


def _close_at_exit(reference: weakref.ref) -> None:
    list_log = reference()
    if list_log is not None:
        list_log.close()


def _driver_closed(error: Exception) -> bool:
    """The app closed its driver (it is shutting down): trying again cannot succeed."""
    return "closed" in str(error).lower() and type(error).__module__.startswith("neo4j")


class OnlineMetrics:
    """One per app (``app.extensions["online_metrics"]``)."""

    def __init__(self, graph, enabled: bool = True, synchronous: bool = False, **log_options: Any) -> None:
        self.enabled = enabled
        self.log = ListLog(graph, synchronous=synchronous, **log_options)
        self.experiments = Experiments(graph)
        # Read by one request at a time while the others keep the experiment read before.
        self._experiment = SharedValue(self.experiments.active, EXPERIMENT_TTL)

    # -- experiments --------------------------------------------------------------------------
    def running_experiment(self) -> dict[str, Any] | None:
        return self._experiment.get()

    def forget_experiment(self) -> None:
        """Re-read the running experiment on next use (after the dashboard starts or stops one)."""
        self._experiment.reset()

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
        """Records a list as shown and returns its id (None for an empty list or with metrics off). A visitor's
        list is counted in the day's tally of its surface and strategy, and its id is the tally's."""
        product_ids = list(product_ids)
        if not product_ids or not self.enabled:
            return None
        # Prometheus's click-through counts what was shown, written to the graph or not.
        ops_metrics.count_impressions(surface, strategy, len(product_ids))
        now = datetime.now(UTC)
        list_id = uuid.uuid4().hex if user_id is not None else tally_id(now.date(), surface, strategy)
        self.log.add("list", {
            "id": list_id, "strategy": strategy, "surface": surface, "at": now,
            "userId": user_id, "experimentId": assignment.experiment_id if assignment else None,
            "variant": assignment.variant if assignment else None, "productIds": product_ids,
        })
        return list_id

    def clicked(self, list_id: str | None, product_id: str, user_id: str | None) -> bool:
        """Records a click on a product of a list; False (nothing recorded) for a malformed list id. A well-formed
        id that names no list or tally is written nowhere."""
        if not self.enabled or not isinstance(list_id, str) or not LIST_ID.match(list_id):
            return False
        ops_metrics.count_click()
        self.log.add("click", {"listId": list_id, "productId": product_id, "at": datetime.now(UTC),
                               "userId": user_id})
        return True

    def flush(self, timeout: float = 10.0) -> bool:
        return self.log.flush(timeout)

    def close(self, timeout: float = 10.0) -> bool:
        return self.log.close(timeout)


def init_app(app: Flask) -> None:
    """Registers the app's OnlineMetrics once (blueprints that serve lists call this when registered).
    ``ONLINE_METRICS = False`` in the config turns recording and experiments off; ``ONLINE_METRICS_SYNC``
    (default: on under ``TESTING``) writes each list and click before the response instead of in batches;
    ``ONLINE_METRICS_RETENTION_DAYS`` (env ``SHOPGRAPH_LIST_RETENTION_DAYS``, default 90; 0 keeps everything)
    is how long served lists and visitors' tallies are kept; ``ONLINE_METRICS_QUEUE`` (env
    ``SHOPGRAPH_METRICS_QUEUE``) bounds the rows waiting to be written; ``ONLINE_METRICS_DELAY`` (env
    ``SHOPGRAPH_METRICS_DELAY``) is how long a row may wait for its batch."""
    if "online_metrics" not in app.extensions:
        config, settings = app.config, current()
        app.extensions["online_metrics"] = OnlineMetrics(
            app.extensions["neo4j"], enabled=config.get("ONLINE_METRICS", True),
            synchronous=config.get("ONLINE_METRICS_SYNC", app.testing),
            delay=float(config.get("ONLINE_METRICS_DELAY", settings.metrics_delay)),
            max_queued=int(config.get("ONLINE_METRICS_QUEUE", settings.metrics_queue)),
            retention_days=float(config.get("ONLINE_METRICS_RETENTION_DAYS", settings.list_retention_days)))


def metrics() -> OnlineMetrics:
    return current_app.extensions["online_metrics"]
