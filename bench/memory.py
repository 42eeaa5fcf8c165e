"""Resident memory of the shop's gunicorn workers, sampled through a run, and whether it stayed flat.

A background thread reads ``/proc`` every ``interval`` seconds: the arbiter's children are the
workers. Each sample carries the label of the load phase running at the time, so the report can
show where memory grew. A worker that gunicorn replaced shows up as a new pid.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path

#: Phase labels of samples taken while no load ran.
UNLOADED = ("idle", "warm-up")
#: Growth of the workers' memory from the middle of the run to its end that still counts as flat.
FLAT_TOLERANCE = 0.10


def rss_mb(pid: int) -> float | None:
    """Resident set size of a process in MiB (None once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return None


def stat_fields(stat: Path) -> list[str] | None:
    """The fields of a ``/proc/<pid>/stat`` file after the command name, from the state on (None once it is gone)."""
    try:
        return stat.read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, PermissionError, IndexError):
        return None


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        fields = stat_fields(stat)
        if fields is not None and int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


class MemorySampler:
    """Samples the workers of the gunicorn arbiter ``pid`` until stopped (a context manager)."""

    def __init__(self, pid: int, interval: float = 1.0) -> None:
        self.pid = pid
        self.interval = interval
        self.phase = "idle"
        self.samples: list[dict] = []
        self._began = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="bench-memory", daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def mark(self, phase: str) -> None:
        """Label the samples from now on (the load phase that starts)."""
        self.phase = phase

    def sample(self) -> None:
        workers = {}
        for pid in children(self.pid):
            rss = rss_mb(pid)
            if rss is not None:
                workers[pid] = round(rss, 1)
        self.samples.append({
            "t": round(time.monotonic() - self._began, 1),
            "phase": self.phase,
            "workers_mb": round(sum(workers.values()), 1),
            "worker_pids": sorted(workers),
            "arbiter_mb": round(rss_mb(self.pid) or 0.0, 1),
        })

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def result(self) -> dict:
        return {"interval_seconds": self.interval, "samples": self.samples, **flatness(self.samples)}


def flatness(samples: list[dict]) -> dict:
    """Whether the workers' memory stayed flat under load.

    Only samples taken while load ran count (not the idle start, nor the warm-up's first requests). The first
    half of that time is warm-up (imports, connection pools, caches filling); memory is flat when the median of the
    last tenth is at most ``FLAT_TOLERANCE`` above the median of the second quarter.
    """
    loaded = [s for s in samples if s["phase"] not in UNLOADED and s["workers_mb"] > 0]
    if len(loaded) < 8:
        return {"loaded_seconds": 0.0, "flat": None, "growth": None}
    span = loaded[-1]["t"] - loaded[0]["t"]
    n = len(loaded)
    middle = _median([s["workers_mb"] for s in loaded[n // 4: n // 2]])
    end = _median([s["workers_mb"] for s in loaded[-max(1, n // 10):]])
    growth = end / middle - 1 if middle else None
    pids = {pid for s in loaded for pid in s["worker_pids"]}
    tail = loaded[-max(5, n // 5):]
    return {
        "loaded_seconds": round(span, 1),
        "start_mb": loaded[0]["workers_mb"],
        "middle_mb": round(middle, 1),
        "end_mb": round(end, 1),
        "peak_mb": max(s["workers_mb"] for s in loaded),
        "growth": round(growth, 4) if growth is not None else None,
        "flat": growth is not None and growth <= FLAT_TOLERANCE,
        # Still climbing at the end, or settled? (A bounded cache grows, then levels off.)
        "end_trend_mb_per_min": round(_slope([s["t"] / 60 for s in tail], [s["workers_mb"] for s in tail]), 2),
        "workers_seen": len(pids),
    }


def _slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of ys over xs (0 when xs do not vary)."""
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread if spread else 0.0


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
