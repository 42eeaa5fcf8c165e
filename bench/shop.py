"""A real ``shopgraph serve`` (gunicorn) on a free loopback port, and the ``shopgraph`` commands the bench runs.

``ShopServer`` is a context manager: on entry the shop answers ``/api/v1/health``; on exit the
gunicorn arbiter and every worker are gone (SIGTERM for a graceful stop, SIGKILL to the whole
process group after a grace period), whatever happened in between.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from shopgraph.bench.scratch import BenchError, free_port
from shopgraph.graph.settings import workspace


def shopgraph_command(*args: str) -> list[str]:
    """``shopgraph ARGS`` with this interpreter: the installed script when it sits beside it."""
    script = Path(sys.executable).parent / "shopgraph"
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-c", "from shopgraph.cli import main; main()", *args]


def run_shopgraph(args: list[str], env: dict[str, str], log: Path, timeout: float) -> str:
    """Run a ``shopgraph`` command to completion; its output goes to ``log`` and is returned.

    A command that fails or outlives ``timeout`` is a BenchError quoting the end of its output.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        process = subprocess.Popen(shopgraph_command(*args), env=env, cwd=workspace(), stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise BenchError(f"`shopgraph {' '.join(args)}` ran longer than {timeout:.0f} s; see {log}") from None
        except BaseException:
            _kill_group(process)
            raise
    output = log.read_text(errors="replace")
    if code != 0:
        raise BenchError(f"`shopgraph {' '.join(args)}` failed (exit {code}); the end of {log}:\n{output[-1500:]}")
    return output


def create_token(env: dict[str, str], log: Path) -> str:
    """A merchandiser API token from ``shopgraph token create`` (the last word it prints)."""
    output = run_shopgraph(["token", "create", "--role", "merchandiser"], env, log, timeout=120)
    words = output.split()
    if not words:
        raise BenchError(f"`shopgraph token create` printed no token; see {log}")
    return words[-1]


def _kill_group(process: subprocess.Popen, grace: float = 0.0) -> None:
    """Stop a process started in its own session, and everything it started."""
    if process.poll() is None and grace > 0:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


class ShopServer:
    """``shopgraph serve`` on 127.0.0.1 with the bench's environment."""

    def __init__(self, env: dict[str, str], log: Path, workers: int | None = None,
                 threads: int | None = None, start_timeout: float = 120.0) -> None:
        self.env = env
        self.log = log
        self.workers = workers
        self.threads = threads
        self.start_timeout = start_timeout
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None, "the shop is not running"
        return self.process.pid

    def __enter__(self) -> ShopServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self.port = free_port()
        args = ["serve", "--host", "127.0.0.1", "--port", str(self.port)]
        if self.workers:
            args += ["--workers", str(self.workers)]
        if self.threads:
            args += ["--threads", str(self.threads)]
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("w") as out:
            self.process = subprocess.Popen(shopgraph_command(*args), env=self.env, cwd=workspace(),
                                            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait_until_healthy()
        except BaseException:
            self.stop()
            raise

    def _wait_until_healthy(self) -> None:
        process = self.process
        if process is None:
            raise BenchError("the shop is not running")
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise BenchError(f"`shopgraph serve` exited (code {process.returncode}); "
                                 f"the end of {self.log}:\n{self.log.read_text(errors='replace')[-1500:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/v1/health", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        raise BenchError(f"the shop did not answer /api/v1/health within {self.start_timeout:.0f} s; see {self.log}")

    def stop(self) -> None:
        if self.process is not None:
            # gunicorn finishes in-flight requests on SIGTERM; the group kill catches stragglers.
            _kill_group(self.process, grace=20.0)
            self.process = None
