"""gunicorn's settings and hooks for the shop.

``shopgraph serve`` runs ``gunicorn --config python:shopgraph.webapp.gunicorn_conf shopgraph.webapp.wsgi:app`` with
its own --bind, --workers and --threads; a deployment that runs gunicorn itself can use the same command. Do not add
``--preload``: the app must be imported by each worker, after ``on_starting`` has set up the metrics folder.

Metrics in several processes: each worker writes its counters and histograms to files in
``$PROMETHEUS_MULTIPROC_DIR`` and the worker that is scraped sums them (``webapp.metrics_endpoint``). Unless the
variable is set, the folder is ``$SHOPGRAPH_HOME/prometheus/<bind>``, one per address served, so two servers
started from one checkout keep apart. It is emptied at start (a previous run's counts would otherwise add to
this one's) and at exit; the files of workers that exit stay, so counters never go backwards, while the gauges
of live workers (requests in progress) are dropped for an exited one in ``child_exit``.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from shopgraph.graph.config import SettingsError, current
from shopgraph.graph.settings import home
from shopgraph.webapp import logs

try:
    settings = current()
except SettingsError as error:  # one line naming the variable, not a traceback from inside gunicorn
    sys.exit(f"error: {error}")

workers = settings.workers
# Requests mostly wait on Neo4j, so threads per worker overlap that waiting cheaply.
worker_class = "gthread"
threads = settings.threads
timeout = 60
accesslog = settings.access_log
access_log_format = logs.ACCESS_FORMAT
# gunicorn's most (its default is 4094): request lines up to 8190 bytes reach the app, which refuses API URLs
# over SHOPGRAPH_MAX_URL_BYTES with its JSON 414; only longer lines get gunicorn's own HTML 414.
limit_request_line = 8190


def metrics_folder(bind: list[str]) -> Path:
    """$PROMETHEUS_MULTIPROC_DIR, or a folder of the first address served under the ShopGraph home."""
    named = current().prometheus_multiproc_dir
    if named:
        return named
    address = bind[0] if bind else "default"
    return home() / "prometheus" / (re.sub(r"[^A-Za-z0-9.]+", "-", address).strip("-") or "default")


def on_starting(server) -> None:
    """In the arbiter, before any worker exists: the metrics folder, empty, named in the workers' environment."""
    values = sys.modules.get("prometheus_client.values")
    if values is not None and not values.ValueClass._multiprocess:
        raise RuntimeError("prometheus_client was imported before gunicorn started (was the app preloaded?): its "
                           "workers would count for themselves alone. Run without --preload.")
    folder = metrics_folder(server.cfg.bind)
    folder.mkdir(parents=True, exist_ok=True)
    _clear(folder)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


def on_exit(server) -> None:
    """The counts end with the server (Prometheus takes the next start's as a counter reset): no files left."""
    folder = current().prometheus_multiproc_dir
    if folder is None:  # on_starting never ran
        return
    _clear(folder)
    try:
        folder.rmdir()
    except OSError:  # someone else's files in it, or a mount point
        pass


def _clear(folder: Path) -> None:
    for values_file in folder.glob("*.db"):
        values_file.unlink()


def post_worker_init(worker) -> None:
    """Before a worker takes its first request: load what every list shares (trending, popular, categories,
    the product vectors, the newest artefact), so no shopper waits for it. A failure only costs the head start."""
    try:
        worker.wsgi.extensions["recommender"].get().warm_up()
    except Exception as error:  # Neo4j still starting, no artefact yet: the first requests load it instead
        worker.log.warning("warm-up skipped: %s", error)


def worker_exit(server, worker) -> None:
    """A worker leaving (SIGTERM, a restart, max requests): the recommendation lists and clicks it has queued are
    written first, then its background reads end and its driver closes. (The process's atexit writes the lists
    and clicks for servers started without this hook.)"""
    # Imported here: the arbiter imports this file and must not import the app (nor prometheus_client) itself.
    from shopgraph.webapp.app import close_app

    app = getattr(worker, "wsgi", None)
    if app is not None and not close_app(app, timeout=float(worker.cfg.graceful_timeout or 10)):
        worker.log.warning("exiting with recommendation lists/clicks unwritten")


def child_exit(server, worker) -> None:
    """In the arbiter, once a worker has exited (whatever the cause, a kill after a timeout too)."""
    # Imported here, not above: the arbiter must not import prometheus_client before on_starting has run.
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
