"""``shopgraph neo4j fetch|start|stop|status``: the local Neo4j server."""
from __future__ import annotations

import sys
import time

import click

from shopgraph.graph import server
from shopgraph.graph.settings import Neo4jSettings


@click.group("neo4j")
def neo4j_group() -> None:
    """Run a local Neo4j Community server (or report the external one in NEO4J_URI)."""


def _external() -> bool:
    settings = Neo4jSettings.from_env()
    if settings.external:
        click.echo(f"NEO4J_URI is set: ShopGraph uses the Neo4j server at {settings.uri} and runs none of its own.")
    return settings.external


def _fail(error: server.ServerError) -> None:
    click.echo(f"error: {error}", err=True)
    sys.exit(1)


@neo4j_group.command("fetch")
def fetch() -> None:
    """Resolve the Neo4j jars from Maven Central into .shopgraph/ (done by start on first use)."""
    try:
        lib = server.ensure_artefacts()
    except server.ServerError as error:
        _fail(error)
    click.echo(f"Neo4j artefacts ready in {lib}")


@neo4j_group.command("start")
def start() -> None:
    """Start the server in the background and return once Bolt answers."""
    if _external():
        return
    began = time.monotonic()
    try:
        state, started = server.start()
    except server.ServerError as error:
        _fail(error)
    if started:
        click.echo(f"Neo4j started in {time.monotonic() - began:.1f} s (pid {state.pid}).")
    else:
        click.echo(f"Neo4j is already running (pid {state.pid}).")
    _print_access(state)


@neo4j_group.command("stop")
def stop() -> None:
    """Stop the server."""
    if _external():
        return
    click.echo("Neo4j stopped." if server.stop() else "Neo4j is not running.")


@neo4j_group.command("status")
def status() -> None:
    """Say whether the server runs, where, and how to sign into the Neo4j Browser."""
    if _external():
        return
    state = server.status()
    click.echo(f"Neo4j is running (pid {state.pid})." if state.running else "Neo4j is not running.")
    _print_access(state)
    if not state.running:
        sys.exit(3)


def _print_access(state: server.Status) -> None:
    click.echo(f"  Bolt:      {state.server.uri}")
    click.echo(f"  Browser:   {state.server.browser_url}")
    click.echo("  User:      neo4j")
    click.echo(f"  Password:  {state.password or '(set at first start)'}")
    click.echo(f"  Data:      {state.server.folder}")


def register(main: click.Group) -> None:
    main.add_command(neo4j_group)
