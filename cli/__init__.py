"""The ``shopgraph`` command line: one click group, one module per family of commands."""
from __future__ import annotations

import click

from shopgraph.cli import data, neo4j_server, queries, web


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """ShopGraph: a shop whose memory is a Neo4j graph."""


for group in (neo4j_server, data, queries, web):
    group.register(main)

# Commands from parts that may not be installed yet register themselves when they are.
for optional in ("shopgraph.cli.models", "shopgraph.cli.evaluate", "shopgraph.cli.accounts", "shopgraph.cli.bench", "shopgraph.cli.merch"):
    try:
        module = __import__(optional, fromlist=["register"])
    except ModuleNotFoundError as error:
        if error.name != optional:
            raise
        continue
    module.register(main)
