"""What the figures were measured on: cores, memory, processor, software, and how busy the machine was."""
from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from shopgraph.graph.settings import checkout


def _meminfo_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        return None
    return None


def _processor() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _commit() -> str | None:
    """The checkout's commit, or the installed distribution's version when there is no checkout."""
    source = checkout()
    if source is None:
        return f"shopgraph {metadata.version('shopgraph')}"
    try:
        result = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=source,
                                capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() or None


def describe() -> dict:
    return {
        "cores": os.cpu_count(),
        "memory_gib": _meminfo_gib(),
        "processor": _processor(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "commit": _commit(),
        "load_average": load_average(),
    }


def load_average() -> list[float] | None:
    """1, 5 and 15-minute load averages: other work on the machine skews every figure."""
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None
