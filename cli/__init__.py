"""The ``shopgraph`` command line: one click group, one module per family of commands."""
from __future__ import annotations

from typing import Any

import click

from shopgraph.cli import config, data, neo4j_server, queries, web
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


for group in (neo4j_server, data, queries, web, config):
    group.register(main)

# Commands from parts that may not be installed yet register themselves when they are.
for optional in ("shopgraph.cli.models", "shopgraph.cli.evaluate", "shopgraph.cli.accounts", "shopgraph.cli.bench",
                 "shopgraph.cli.merch"):
    try:
        module = __import__(optional, fromlist=["register"])
    except ModuleNotFoundError as error:
        if error.name != optional:
            raise
        continue
    module.register(main)
