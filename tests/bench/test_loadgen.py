"""The load generator as the bench runs it: a subprocess given a phase's spec, against a small HTTP server here."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class _Counting(ThreadingHTTPServer):
    """Answers every GET with 200 over keep-alive connections, and counts the connections it accepted."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Answer)
        self.connections = 0
        self._lock = threading.Lock()

    def process_request(self, request, client_address) -> None:
        with self._lock:
            self.connections += 1
        super().process_request(request, client_address)


class _Answer(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        body = b'{"status": "ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    counting = _Counting()
    thread = threading.Thread(target=counting.serve_forever, daemon=True)
    thread.start()
    yield counting
    counting.shutdown()
    counting.server_close()


def _phase(server: _Counting, visits_per_connection: int) -> dict:
    spec = {"host": f"http://127.0.0.1:{server.server_address[1]}",
            "targets": [{"endpoint": "health", "paths": ["/health"]}],
            "clients": 2, "warmup": 0.0, "duration": 30.0, "max_requests": 200,
            "visits_per_connection": visits_per_connection}
    done = subprocess.run([sys.executable, "-m", "shopgraph.bench.loadgen"], input=json.dumps(spec),
                          capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout)


def test_each_client_opens_a_new_connection_after_its_visits_so_any_worker_may_take_it(server):
    result = _phase(server, visits_per_connection=10)
    answered = result["total"]["requests"]
    assert answered >= 200 and result["total"]["failures"] == 0
    # Every 10 visits a client reconnects: at least one connection per 10 requests answered (the warm-up's too).
    assert server.connections >= answered // 10


def test_without_a_limit_each_client_keeps_its_one_connection(server):
    result = _phase(server, visits_per_connection=0)
    assert result["total"]["requests"] >= 200
    assert server.connections == 2
