"""``shopgraph cypher``: run a read query -- inline, a named file from ``cypher/``, or a strategy file -- and print
its rows, its header (``--describe``) or its profiled plan (``--profile``).

A strategy (``strategies/NAME``, or plain ``NAME`` where no named query has that name) runs with the parameters the
shop would give it: ``$userId`` a sample shopper with history unless ``-p userId=...`` names one, ``$k`` 10 and
``$seeds`` that shopper's seeds; any ``-p`` overrides. ``--profile`` on a named query takes the parameters of its
header's ``Example:`` line, a sample shopper for ``$userId`` and that shopper's seeds.
"""
from __future__ import annotations

import json
import sys
from typing import Any

import click
from neo4j.exceptions import ClientError

from shopgraph.cli.plan_table import plan_table
from shopgraph.graph import queries
from shopgraph.graph.db import Graph, GraphUnavailable

STRATEGY_PREFIX = "strategies/"


def _parse_value(text: str):
    """``--param`` values: JSON where they parse (numbers, lists, true), else the plain string."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


class _Query:
    """What QUERY_OR_NAME names: a named query, a strategy file or inline Cypher; its text and default parameters."""

    def __init__(self, text: str, kind: str, name: str | None = None, header: str = "") -> None:
        self.text, self.kind, self.name, self.header = text, kind, name, header

    def defaults(self, graph: Graph, given: dict[str, Any], profiling: bool) -> dict[str, Any]:
        """The parameters to run with: ``given`` (``-p``), topped up as the module docstring says."""
        from shopgraph.models.strategy_parameters import sample_shopper, strategy_parameters

        if self.kind == "inline" or (self.kind == "named" and not profiling):
            return given
        wanted = {**(_example_params(self.name) if self.kind == "named" and self.name else {}), **given}
        uses = {key for key in ("userId", "k", "seeds", "before", "liveSeeds") if f"${key}" in self.text}
        if uses - set(given):
            user_id = given["userId"] if "userId" in given else sample_shopper(graph)
            shopper = strategy_parameters(graph, user_id, int(wanted.get("k", 10)))
            # The strongest seeds stand in for the newest ones that serving follows through recent baskets.
            shopper["liveSeeds"] = shopper["seeds"][:5]
            wanted.update({key: shopper[key] for key in uses - set(given)})
        return wanted


def _example_params(name: str) -> dict[str, Any]:
    from shopgraph.webapp.guide import example_line, example_params

    line = example_line(name)
    return example_params(line) if line else {}


def _resolve(query_or_name: str) -> _Query:
    from shopgraph.models.strategy_files import StrategyLibrary

    wants_strategy = query_or_name.startswith(STRATEGY_PREFIX)
    name = query_or_name[len(STRATEGY_PREFIX):] if wants_strategy else query_or_name
    if not wants_strategy and queries.is_name(name):
        return _Query(queries.query(name), "named", name, queries.describe(name))
    library = StrategyLibrary(log=False)  # its problems are printed below
    strategy = library.get(name)
    if strategy is not None:
        return _Query(strategy.text, "strategy", name, f"{strategy.header}\n(file: {strategy.path})")
    # The problems of a file of that name, in whichever folder (each problem starts with the file's path).
    problems = [problem for problem in library.problems() if f"/{name}.cypher:" in f"/{problem}"]
    if wants_strategy or problems:
        for problem in problems:
            click.echo(problem, err=True)
        known = ", ".join(library.names()) or "none"
        raise click.ClickException(f"{name!r} is not a strategy (the strategies: {known})")
    return _Query(query_or_name, "inline")


@click.command("cypher")
@click.argument("query_or_name")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A query parameter; the value is read as JSON when it parses, else as text.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of row objects.")
@click.option("--describe", is_flag=True, help="Print a named query's or strategy's header instead of running it.")
@click.option("--profile", is_flag=True,
              help="Run it with PROFILE and print the plan: rows and database hits per operator (for a sample "
                   "shopper with history unless -p userId=... names one).")
def cypher(query_or_name: str, params: tuple[str, ...], as_json: bool, describe: bool, profile: bool) -> None:
    """Run QUERY_OR_NAME in a read transaction: inline Cypher, a file name from cypher/ such as `bought_with`, or a
    strategy (`strategies/NAME`, or NAME where no file of cypher/ has that name)."""
    query = _resolve(query_or_name)
    if describe:
        if query.kind == "inline":
            raise click.ClickException(f"{query_or_name!r} is neither a named query nor a strategy")
        click.echo(query.header)
        return
    given = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--param")
        given[key] = _parse_value(value)
    try:
        with Graph() as graph:
            values = query.defaults(graph, given, profile)
            if profile:
                rows, plan = _profiled(graph, query.text, values)
            else:
                rows = graph.read(query.text, **values)
    except GraphUnavailable as error:
        click.echo(f"error: Neo4j is unreachable ({error}); start it with `shopgraph neo4j start`", err=True)
        sys.exit(1)
    except ClientError as error:
        click.echo(f"error: {error.message}", err=True)
        sys.exit(1)
    if profile:
        click.echo(f"{query.name or 'the query'} ({_about(values)}): {len(rows)} rows")
        click.echo(plan_table(plan))
        return
    _print_rows(rows, as_json)


def _about(values: dict[str, Any]) -> str:
    """The parameters a profile ran with, in a line: the shopper first, seeds counted rather than listed."""
    order = ["userId", "k", *(key for key in values if key not in ("userId", "k"))]
    shown = [f"{key}={json.dumps(values[key])}" for key in order if key in values and key not in ("seeds", "liveSeeds")]
    seeds = values.get("seeds") or values.get("liveSeeds")
    if seeds is not None:
        shown.append(f"{len(seeds)} seeds")
    return ", ".join(shown) or "no parameters"


def _profiled(graph: Graph, text: str, values: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The rows and the profiled plan of a read, in one read transaction."""
    def work(tx):
        result = tx.run(f"PROFILE {text}", values)
        rows = [record.data() for record in result]
        return rows, result.consume().profile

    return graph.read_with(work)


def _print_rows(rows: list[dict[str, Any]], as_json: bool) -> None:
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
