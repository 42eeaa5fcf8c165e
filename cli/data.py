"""``shopgraph load``: a dataset into the graph."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from shopgraph.graph.db import Graph, GraphUnavailable
from shopgraph.loaders import DATASETS, load


@click.command("load")
@click.argument("dataset", type=click.Choice(sorted(DATASETS)), default="online-retail")
@click.option("--path", type=click.Path(exists=True, path_type=Path), help="The source file or folder.")
@click.option("--reset", is_flag=True, help="Delete the whole graph first.")
@click.option("--limit-rejections", default=20, show_default=True, help="Rejected rows to list one by one.")
@click.option("--currency", metavar="CODE", help="ISO 4217 code of the prices of products whose data names no "
                                                 "currency, e.g. USD.")
def load_command(dataset: str, path: Path | None, reset: bool, limit_rejections: int, currency: str | None) -> None:
    """Load DATASET (default online-retail) into Neo4j; rerunning it changes nothing."""
    try:
        with Graph() as graph:
            summary = load(graph, dataset, path=path, reset=reset, progress=True, currency=currency)
    except GraphUnavailable as error:
        click.echo(f"error: Neo4j is unreachable ({error}); start it with `shopgraph neo4j start`", err=True)
        sys.exit(1)
    except (FileNotFoundError, ValueError) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("\nstopped: what was written is kept; run the same command again to complete the load", err=True)
        sys.exit(130)
    click.echo(summary.report(limit_rejections))


def register(main: click.Group) -> None:
    main.add_command(load_command)
