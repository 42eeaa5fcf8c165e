"""The ``shopgraph`` command line: one click group, one module per family of commands."""
from __future__ import annotations

from typing import Any

import click

from shopgraph.cli import accounts, bench, config, data, evaluate, models, neo4j_server, queries, web
from shopgraph.graph.config import SettingsError


class ShopGraphGroup(click.Group):
    """The command group, with a setting holding something unusable reported as one line naming the variable
    (``shopgraph config`` lists them all), never as a traceback from wherever it was first read."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SettingsError as error:
            raise click.ClickException(f"{error} (see `shopgraph config`)") from None


@click.group(cls=ShopGraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """ShopGraph: a shop whose memory is a Neo4j graph."""


# One wheel holds every family of commands; each imports its heavy parts (TensorFlow, Locust) only when run.
for group in (neo4j_server, data, queries, web, config, models, evaluate, accounts, bench):
    group.register(main)
