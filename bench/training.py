"""``shopgraph train`` on the bench's graph: seconds per model and in total.

The command runs as a user runs it, in its own process, with the bench's graph and a scratch
artefact folder. The per-model figures are the ``fit_seconds`` it records in the new artefact
version's ``metadata.json``; the total is the wall-clock time of the whole command, which also
covers starting Python and TensorFlow, reading the graph, publishing the derived edges and storing every
shopper's list (reported on its own too).
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

from shopgraph.bench.scratch import BenchError
from shopgraph.bench.shop import run_shopgraph

_STORED = re.compile(r"Stored lists for (?P<stored>[\d,]+) of [\d,]+ shopper\(s\) in (?P<seconds>[\d.]+) s")


def newest_version(artefacts: Path) -> Path | None:
    """The newest complete artefact version (a folder with ``metadata.json``), as serving picks it."""
    folder = artefacts / "models"
    complete = [version for version in folder.glob("*") if (version / "metadata.json").exists()]
    return max(complete, key=lambda version: version.name) if complete else None


def stored_lists(output: str) -> dict | None:
    """How many shoppers' lists the command stored and in how many seconds (its "Stored lists" line)."""
    found = _STORED.search(output or "")
    if found is None:
        return None
    return {"shoppers": int(found["stored"].replace(",", "")), "seconds": float(found["seconds"])}


def measure_training(env: dict[str, str], artefacts: Path, log: Path, timeout: float = 1800.0) -> dict:
    """Run ``shopgraph train`` and report the seconds it took, per model and in total."""
    began = time.perf_counter()
    output = run_shopgraph(["train"], env, log, timeout=timeout)
    seconds = time.perf_counter() - began
    version = newest_version(artefacts)
    if version is None:
        raise BenchError(f"`shopgraph train` wrote no artefact version under {artefacts / 'models'}; see {log}")
    metadata = json.loads((version / "metadata.json").read_text())
    models = {
        name: round(float(details.get("fit_seconds", 0.0)), 3)
        for name, details in (metadata.get("models") or {}).items()
    }
    return {
        "seconds": round(seconds, 2),
        "models": models,
        "fit_seconds": round(sum(models.values()), 2),
        "stored_lists": stored_lists(output),
        # Starting Python and TensorFlow, reading the graph, publishing derived edges and vectors.
        "other_seconds": round(seconds - sum(models.values()) - (stored_lists(output) or {}).get("seconds", 0.0), 2),
        "version": metadata.get("version", version.name),
        "counts": metadata.get("counts"),
    }
