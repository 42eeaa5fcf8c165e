"""A load into the graph, measured: relationships written per second.

The load is the project's own (``loaders.writer.write_tables``, what ``shopgraph load`` runs), so
the figure is the one a user sees. The clock runs from preparing the rows to the last commit;
reading the source file is timed apart (``read_seconds``), since it depends on the file format.
The same load repeated varies by a sixth on a shared 2-core machine, so the bench repeats it and
reports the median (``median_load``) with every rate beside it.
"""
from __future__ import annotations

from shopgraph.graph.db import Graph
from shopgraph.loaders.summary import NODE_LABELS, RELATIONSHIP_TYPES
from shopgraph.loaders.tables import Tables
from shopgraph.loaders.writer import write_tables


def measure_load(graph: Graph, tables: Tables, read_seconds: float | None = None) -> dict:
    """Write ``tables`` into ``graph`` (which keeps what it holds) and report the rate."""
    summary = write_tables(graph, tables, reset=False, progress=False)
    created = summary.created
    return {
        "events": int(len(tables.events)),
        "read_seconds": round(read_seconds, 3) if read_seconds is not None else None,
        "write_seconds": round(summary.write_seconds, 3),
        "relationships_written": summary.relationships_written,
        "relationships_per_second": round(summary.relationships_per_second, 1),
        "events_per_second": round(len(tables.events) / summary.write_seconds, 1) if summary.write_seconds else 0.0,
        "relationships_created": {name: created.get(name, 0) for name in RELATIONSHIP_TYPES if created.get(name, 0)},
        "nodes_created": {name: created.get(name, 0) for name in NODE_LABELS if created.get(name, 0)},
        "relationships_in_graph": sum(summary.after.get(name, 0) for name in RELATIONSHIP_TYPES),
        "nodes_in_graph": sum(summary.after.get(name, 0) for name in NODE_LABELS),
    }


def median_load(loads: list[dict]) -> dict:
    """The load with the median rate (the lower one of an even count), every load's rate in ``repeats``."""
    ranked = sorted(loads, key=lambda load: load["relationships_per_second"])
    median = dict(ranked[(len(ranked) - 1) // 2])
    median["repeats"] = [load["relationships_per_second"] for load in loads]
    return median
