"""``shopgraph metrics prune``: the retention job for the recommendation lists the shop logs as it serves.

Each worker's writer runs the same job hourly (``ONLINE_METRICS_RETENTION_DAYS``, env
``SHOPGRAPH_LIST_RETENTION_DAYS``); this command runs it now, e.g. from cron, or with another age.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click

from shopgraph.graph.config import current
from shopgraph.graph.db import Graph
from shopgraph.graph.experiments import RecommendationLists
from shopgraph.webapp.online_metrics import RETENTION_DAYS


@click.group("metrics")
def metrics() -> None:
    """Online metrics kept in the graph: recommendation lists, visitors' tallies, clicks."""


@metrics.command("prune")
@click.option("--days", type=float, default=lambda: current().list_retention_days,
              show_default=f"{RETENTION_DAYS}, or SHOPGRAPH_LIST_RETENTION_DAYS")
def prune(days: float) -> None:
    """Delete recommendation lists and visitors' tallies older than DAYS days."""
    if days <= 0:
        raise click.BadParameter("give a positive age", param_hint="--days")
    before = datetime.now(UTC) - timedelta(days=days)
    with Graph() as graph:
        deleted = RecommendationLists(graph).prune(before)
    click.echo(f"deleted {deleted} recommendation lists and tallies from before {before:%Y-%m-%d %H:%M} UTC")
