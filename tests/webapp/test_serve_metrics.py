"""`shopgraph serve` as it runs in production: gunicorn with two workers.

/metrics sums what every worker counted, whichever worker answers the scrape, and keeps the counts of workers
gunicorn has since replaced; a previous run's counts are cleared at start; gunicorn's access log names each
request by its id; an overlong API URL gets the app's JSON 414, not gunicorn's page.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.webapp.operations import parse, value

WORKERS = 2
REQUESTS = 12
START_SECONDS = 120


@dataclass
class Served:
    process: subprocess.Popen
    url: str
    metrics_folder: Path
    log: Path

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
        request = urllib.request.Request(self.url + path, headers=headers or {})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()

    def workers(self) -> set[int]:
        pid = self.process.pid
        return {int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}

    def answers(self) -> bool:
        try:
            return self.get("/metrics")[0] == 200  # not an endpoint a test counts
        except OSError:
            return False

    def wait_until(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + START_SECONDS
        while not condition():
            if self.process.poll() is not None:
                pytest.fail(f"`shopgraph serve` exited ({self.process.returncode}):\n{self.log.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"{what} took over {START_SECONDS} s:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.2)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(neo4j_settings, tmp_path_factory):
    home = tmp_path_factory.mktemp("shopgraph-home")
    port = _free_port()
    folder = home / "prometheus" / f"127.0.0.1-{port}"
    folder.mkdir(parents=True)
    (folder / "counter_1.db").write_bytes(b"a previous run's counts")
    env = {name: value for name, value in os.environ.items() if name != "PROMETHEUS_MULTIPROC_DIR"}
    env.update(NEO4J_URI=neo4j_settings.uri, NEO4J_USER=neo4j_settings.user, NEO4J_PASSWORD=neo4j_settings.password,
               NEO4J_DATABASE=neo4j_settings.database, SHOPGRAPH_HOME=str(home),
               SHOPGRAPH_ARTIFACTS=str(home / "artifacts"), SHOPGRAPH_SECRET_KEY="k" * 32, SHOPGRAPH_ACCESS_LOG="-")
    log = home / "serve.log"
    command = [str(Path(sys.executable).with_name("shopgraph")), "serve", "--port", str(port),
               "--workers", str(WORKERS), "--threads", "2"]
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    server = Served(process, f"http://127.0.0.1:{port}", folder, log)
    try:
        server.wait_until(lambda: server.answers() and len(server.workers()) == WORKERS, "starting")
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_metrics_add_up_every_workers_counts_those_of_replaced_workers_too(served):
    assert not (served.metrics_folder / "counter_1.db").exists(), "a previous run's counts are cleared at start"
    for _ in range(REQUESTS):
        assert served.get("/api/v1/health/live")[0] == 200
    replaced = served.workers()

    served.process.send_signal(signal.SIGHUP)  # gunicorn starts new workers and stops every old one
    served.wait_until(lambda: not served.workers() & replaced and len(served.workers()) == WORKERS
                      and not any((served.metrics_folder / f"gauge_livesum_{pid}.db").exists() for pid in replaced)
                      and served.answers(), "replacing the workers")

    samples = parse(served.get("/metrics")[1])
    count = "shopgraph_http_request_duration_seconds_count"
    assert value(samples, count, endpoint="api.health_live", method="GET", status_class="2xx") == REQUESTS
    # The requests being answered now, by live workers only: the scrape itself.
    assert value(samples, "shopgraph_http_requests_in_progress") == 1


def test_the_access_log_names_each_request_by_its_id(served):
    status, _ = served.get("/api/v1/openapi.json", headers={"X-Request-ID": "access-log-4"})
    assert status == 200
    served.wait_until(lambda: "request_id=access-log-4" in served.log.read_text(), "writing the access log")
    line = next(line for line in served.log.read_text().splitlines() if "request_id=access-log-4" in line)
    assert '"GET /api/v1/openapi.json HTTP/1.1" 200' in line


def _refused(served: Served, path: str) -> tuple[int, str, dict]:
    """The status, content type and body (as JSON when it is) of a request the server refuses."""
    with pytest.raises(urllib.error.HTTPError) as refused:
        served.get(path)
    with refused.value as error:
        body = error.read()
        kind = error.headers.get_content_type()
        return error.code, kind, json.loads(body) if kind == "application/json" else {"text": body.decode()}


def test_an_api_url_over_the_apps_limit_gets_its_json_414_not_gunicorns_page(served):
    prefix = "/api/v1/search?q="
    path = prefix + "a" * (5000 - len(prefix))  # over the app's 4,000 bytes, over gunicorn's default 4,094 too

    status, kind, body = _refused(served, path)

    assert (status, kind) == (414, "application/json")
    assert body["error"]["code"] == "request_uri_too_long"
    assert "4000 bytes" in body["error"]["message"]
    assert body["error"]["request_id"]


def test_a_request_line_over_gunicorns_most_gets_gunicorns_own_414(served):
    status, kind, _ = _refused(served, "/api/v1/search?q=" + "a" * 9000)

    assert (status, kind) == (414, "text/html"), "gunicorn answers before the app (README: Long URLs)"
