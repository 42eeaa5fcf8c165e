"""``/metrics`` for Prometheus, and the request timing behind its latency histograms.

One process (the dev server, tests): this process's metrics, with Python's process and GC collectors. Under
gunicorn (``PROMETHEUS_MULTIPROC_DIR`` set, see ``webapp.gunicorn_conf``): every worker's, summed from the
folder they all write to, the counts of workers since replaced included; whichever worker is scraped answers for
all. The trained model version is read at scrape time from the artefact store (``webapp.model_status``).

Who may scrape: the numbers name no shopper and no secret, but they do tell a shop's traffic and click-through,
so not everyone. With ``SHOPGRAPH_METRICS_TOKEN`` set, a request must send ``Authorization: Bearer <token>``
(Prometheus's ``authorization`` scrape setting), from anywhere. Without it, only requests made on this machine
are answered (loopback, and not forwarded by a proxy, which connects from loopback too: any forwarding header
makes a request a stranger's, and the address judged is the connection's own, never one ``SHOPGRAPH_PROXY_HOPS``
took from ``X-Forwarded-For``). The shop's own API tokens are not used: checking one reads the graph, and metrics
must answer while Neo4j is down.
"""
from __future__ import annotations

import hmac
import ipaddress
import time
from datetime import datetime
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request, request_finished, request_started
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, values
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from shopgraph.graph.config import current
from shopgraph.webapp import model_status, ops_metrics

blueprint = Blueprint("ops", __name__)


def init_app(app: Flask) -> None:
    _require_shared_values()
    app.config.setdefault("METRICS_TOKEN", current().metrics_token)
    # Signals rather than before/after_request hooks: request_started comes before every hook, so a request
    # refused by one (too large, throttled) is timed too.
    request_started.connect(_started, app)
    request_finished.connect(_finished, app)
    app.register_blueprint(blueprint)


def _require_shared_values() -> None:
    """prometheus_client chooses per-process or shared (file-backed) values once, when it is first imported; a
    process that imported it before PROMETHEUS_MULTIPROC_DIR was set would count for itself alone."""
    if current().prometheus_multiproc_dir and not values.ValueClass._multiprocess:
        raise RuntimeError("PROMETHEUS_MULTIPROC_DIR was set after prometheus_client was imported, so this process's "
                           "metrics would not reach /metrics: set it before starting the server (gunicorn: do not "
                           "preload the app).")


def _started(app: Flask, **_: Any) -> None:
    g.metrics_started = time.perf_counter()
    ops_metrics.REQUESTS_IN_PROGRESS.inc()


def _finished(app: Flask, response: Response, **_: Any) -> None:
    started = g.pop("metrics_started", None)
    if started is None:
        return
    ops_metrics.REQUESTS_IN_PROGRESS.dec()
    ops_metrics.observe_request(request.endpoint, request.method, response.status_code,
                                time.perf_counter() - started)


@blueprint.get("/metrics")
def metrics():
    refusal = _refusal()
    if refusal is not None:
        return refusal
    registry = CollectorRegistry()
    if current().prometheus_multiproc_dir:
        MultiProcessCollector(registry)
    else:
        registry.register(REGISTRY)
    registry.register(LiveModel(model_status.live_model()))
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def _refusal() -> Response | None:
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        sent = request.headers.get("Authorization", "")
        if hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            return None
        return _plain(401, "Send the metrics token: Authorization: Bearer <SHOPGRAPH_METRICS_TOKEN>.",
                      {"WWW-Authenticate": 'Bearer realm="metrics"'})
    if _from_this_machine():
        return None
    return _plain(403, "/metrics answers requests from this machine only; set SHOPGRAPH_METRICS_TOKEN to scrape it "
                       "from elsewhere.")


#: Headers a proxy adds: a request carrying any of them came through one, whatever address it connected from.
FORWARDING_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Real-IP")


def _from_this_machine() -> bool:
    if any(name in request.headers for name in FORWARDING_HEADERS):
        return False
    # ProxyFix keeps the connection's own address here when it replaces REMOTE_ADDR with a forwarded one.
    connected = request.environ.get("werkzeug.proxy_fix.orig", {}).get("REMOTE_ADDR", request.remote_addr)
    try:
        return ipaddress.ip_address(connected or "").is_loopback
    except ValueError:
        return False


def _plain(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(message + "\n", status, headers, mimetype="text/plain")


class LiveModel:
    """The trained version this worker serves, as Prometheus families (``model`` from ``live_model()``)."""

    def __init__(self, model: dict[str, Any] | None) -> None:
        self.model = model

    def collect(self):
        yield GaugeMetricFamily("shopgraph_model_loaded", "1 when a trained model version is loaded, else 0.",
                                value=1 if self.model else 0)
        if not self.model:
            return
        yield InfoMetricFamily("shopgraph_model", "The trained model version served (artifacts/models/<version>).",
                               value={"version": self.model["version"]})
        created = _timestamp(self.model.get("created"))
        if created is not None:
            yield GaugeMetricFamily("shopgraph_model_trained_timestamp_seconds",
                                    "When the served version was trained, in Unix seconds.", value=created)


def _timestamp(text: Any) -> float | None:
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None
