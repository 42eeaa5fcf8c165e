"""``shopgraph cypher``: run a read query, inline or named, and print its rows."""
from __future__ import annotations

import json
import sys

import click
from neo4j.exceptions import ClientError

from graph import queries
from graph.db import Graph, GraphUnavailable


def _parse_value(text: str):
    """``--param k=v`` values: JSON where they parse (numbers, lists, true), else the plain string."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


@click.command("cypher")
@click.argument("query_or_name")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A query parameter; the value is read as JSON when it parses, else as text.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of row objects.")
@click.option("--describe", is_flag=True, help="Print a named query's header instead of running it.")
def cypher(query_or_name: str, params: tuple[str, ...], as_json: bool, describe: bool) -> None:
    """Run QUERY_OR_NAME (inline Cypher, or a file name from cypher/ such as `bought_with`) in a read transaction."""
    if describe:
        click.echo(queries.describe(query_or_name))
        return
    values = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--param")
        values[key] = _parse_value(value)
    try:
        with Graph() as graph:
            rows = graph.read(query_or_name, **values)
    except GraphUnavailable as error:
        click.echo(f"error: Neo4j is unreachable ({error}); start it with `shopgraph neo4j start`", err=True)
        sys.exit(1)
    except ClientError as error:
        click.echo(f"error: {error.message}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(rows, default=str, indent=2))
        return
    if not rows:
        click.echo("(no rows)")
        return
    columns = list(rows[0].keys())
    click.echo("\t".join(columns))
    for row in rows:
        click.echo("\t".join(json.dumps(row[c], default=str) if not isinstance(row[c], str) else row[c]
                             for c in columns))


def register(main: click.Group) -> None:
    main.add_command(cypher)
