"""Dataset adapters: files in, canonical tables out (``loaders.tables``), then batched writes into the graph.

``DATASETS`` names every adapter; ``read(name, path)`` gives its tables (the models read these for
offline evaluation); ``load(graph, name, ...)`` writes them into Neo4j and returns a summary.
"""
from __future__ import annotations

import importlib
import time
from pathlib import Path

from loaders.tables import Tables

DATASETS = {
    "online-retail": "loaders.online_retail",
    "walmart": "loaders.walmart",
    "movielens-100k": "loaders.movielens",
    "csv": "loaders.csv_folder",
}


def read(dataset: str, path: Path | None = None) -> Tables:
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; choose one of {', '.join(sorted(DATASETS))}")
    return importlib.import_module(DATASETS[dataset]).read(path)


def load(graph, dataset: str, path: Path | None = None, reset: bool = False, progress: bool = True):
    """Read ``dataset`` and write it into ``graph``; returns a ``loaders.summary.LoadSummary``."""
    from loaders.writer import write_tables

    started = time.perf_counter()
    tables = read(dataset, path)
    read_seconds = time.perf_counter() - started
    summary = write_tables(graph, tables, reset=reset, progress=progress)
    summary.read_seconds = read_seconds
    return summary
