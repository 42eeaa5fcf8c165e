"""Processor time each part of the machine spent in a load phase, per pair or request: where a pair's cost goes.

The parts are the shop's gunicorn workers, Neo4j (when it runs on this machine) and the load generator, which
shares the cores with both. With eight closed-loop clients on two cores a request's latency is mostly its wait
for a core, so what a pair costs in processor time, and which part spends it, is what decides its latency.

Each process's user and system time (every thread's) is read from ``/proc`` before and after the phase; the load
generator's from this process's finished children (``RUSAGE_CHILDREN``): it is the only child the bench waits for
while a phase runs.
"""
from __future__ import annotations

import os
import resource
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from shopgraph.bench.memory import stat_fields

#: Parts of the machine by name, each the processes it runs in.
Parts = Callable[[], dict[str, list[int]]]
LOAD_GENERATOR = "load generator"


def cpu_seconds(pid: int) -> float | None:
    """User and system seconds a process has run so far (None once it is gone)."""
    fields = stat_fields(Path(f"/proc/{pid}/stat"))
    if fields is None:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def listening_pid(port: int) -> int | None:
    """The local process listening on TCP ``port`` (None when none of this machine's processes does)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            fields = line.split()
            # local address is HEX_IP:HEX_PORT; state 0A is LISTEN
            if len(fields) > 9 and fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    if not inodes:
        return None
    for process in Path("/proc").glob("[0-9]*"):
        try:
            if any(os.readlink(fd) in inodes for fd in (process / "fd").iterdir()):
                return int(process.name)
        except (FileNotFoundError, ProcessLookupError, PermissionError, NotADirectoryError):
            continue
    return None


def local_server_pid(uri: str) -> int | None:
    """The process of the server ``uri`` names when it runs on this machine (None for another machine's)."""
    address = urlsplit(uri)
    if address.hostname not in ("localhost", "127.0.0.1", "::1") or address.port is None:
        return None
    return listening_pid(address.port)


def _children_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class PhaseClock:
    """Processor time of each part over one phase (a context manager around it); with no ``parts``, none."""

    def __init__(self, parts: Parts | None) -> None:
        self._parts = parts
        self._before: dict[str, dict[int, float]] = {}
        self._spent: dict[str, float] = {}
        self._children = 0.0

    def __enter__(self) -> PhaseClock:
        if self._parts is not None:
            self._before = {part: self._read(pids) for part, pids in self._parts().items()}
            self._children = _children_seconds()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._parts is None:
            return
        after = {part: self._read(pids) for part, pids in self._parts().items()}
        # Only processes seen at both ends count: a worker replaced mid-phase would otherwise count whole.
        self._spent = {part: sum(after[part][pid] - seconds for pid, seconds in before.items() if pid in after[part])
                       for part, before in self._before.items() if part in after}
        self._spent[LOAD_GENERATOR] = _children_seconds() - self._children

    def per(self, count: int) -> dict[str, float] | None:
        """Milliseconds each part spent per unit (pair or request) of the phase; None when nothing was counted."""
        if count <= 0 or not self._spent:
            return None
        return {part: round(seconds * 1000.0 / count, 2) for part, seconds in self._spent.items()}

    @staticmethod
    def _read(pids: list[int]) -> dict[int, float]:
        return {pid: seconds for pid in pids if (seconds := cpu_seconds(pid)) is not None}
