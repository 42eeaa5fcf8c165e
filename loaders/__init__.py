"""Dataset adapters: files in, canonical tables out (``loaders.tables``), then batched writes into the graph.

``DATASETS`` names every adapter; ``read(name, path)`` gives its tables (the models read these for
offline evaluation); ``load(graph, name, ...)`` writes them into Neo4j and returns a summary.
"""
from __future__ import annotations

import importlib
import time
from pathlib import Path

from shopgraph.loaders.tables import Tables, currency_code

DATASETS = {
    "online-retail": "shopgraph.loaders.online_retail",
    "walmart": "shopgraph.loaders.walmart",
    "movielens-100k": "shopgraph.loaders.movielens",
    "csv": "shopgraph.loaders.csv_folder",
}


def read(dataset: str, path: Path | None = None) -> Tables:
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; choose one of {', '.join(sorted(DATASETS))}")
    return importlib.import_module(DATASETS[dataset]).read(path)


def load(graph, dataset: str, path: Path | None = None, reset: bool = False, progress: bool = True,
         currency: str | None = None):
    """Read ``dataset`` and write it into ``graph``; returns a ``loaders.summary.LoadSummary``.

    ``currency`` (an ISO 4217 code) is the currency of the products whose data names none; a product's own
    currency always wins."""
    from shopgraph.loaders.writer import write_tables

    default_currency = None
    if currency is not None:
        default_currency = currency_code(currency)
        if default_currency is None:
            raise ValueError(f"bad currency: {currency!r} (expected a three-letter ISO 4217 code such as USD)")
    started = time.perf_counter()
    tables = read(dataset, path)
    if default_currency is not None:
        with_default_currency(tables, default_currency)
    read_seconds = time.perf_counter() - started
    summary = write_tables(graph, tables, reset=reset, progress=progress)
    summary.read_seconds = read_seconds
    return summary


def with_default_currency(tables: Tables, currency: str) -> Tables:
    """``tables`` with ``currency`` given to every product that has none."""
    products = tables.products
    own = products["currency"] if "currency" in products.columns else None
    products["currency"] = currency if own is None else own.where(own.notna(), currency)
    return tables
