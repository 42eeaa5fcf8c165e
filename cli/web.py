"""``shopgraph serve`` (gunicorn) and ``shopgraph demo`` (from nothing to a running shop)."""
from __future__ import annotations

import os
import secrets
import sys
from typing import NoReturn

import click

from shopgraph.graph import server
from shopgraph.graph.config import current
from shopgraph.graph.db import Graph
from shopgraph.graph.settings import Neo4jSettings, home

#: Keys that were ever published as defaults (docker-compose.yml once had them): anyone could sign a session.
PUBLIC_KEYS = {"change-me-too", "change-me-shopgraph", "change-me", "secret", "dev"}
MIN_KEY_LENGTH = 16


def _secret_key() -> str:
    """One key shared by every worker and kept across restarts, so sessions survive both: SHOPGRAPH_SECRET_KEY,
    or one generated at the first start and kept in $SHOPGRAPH_HOME/secret_key (like the Neo4j password)."""
    key = current().secret_key
    if key:
        if key in PUBLIC_KEYS or len(key) < MIN_KEY_LENGTH:
            raise click.ClickException(
                f"SHOPGRAPH_SECRET_KEY is a public or short value: anyone could sign a session cookie with it. Use "
                f"at least {MIN_KEY_LENGTH} random characters, or unset it and a key is generated in {home()}.")
        return key
    path = home() / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def run_gunicorn(host: str, port: int, workers: int, threads: int) -> NoReturn:
    """Becomes gunicorn serving ``shopgraph.webapp.wsgi:app`` with the shop's settings and hooks
    (``shopgraph.webapp.gunicorn_conf``).

    This process is replaced rather than hosting gunicorn: a fresh interpreter imports prometheus_client only
    after gunicorn has named the workers' shared metrics folder (this command line imported it long before), and
    whoever started ``shopgraph serve`` keeps the arbiter's pid to signal.
    """
    os.environ["SHOPGRAPH_SECRET_KEY"] = _secret_key()
    command = [sys.executable, "-m", "gunicorn", "--config", "python:shopgraph.webapp.gunicorn_conf",
               "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", str(threads),
               "shopgraph.webapp.wsgi:app"]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, command)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", type=int, default=lambda: current().workers, show_default="2, or SHOPGRAPH_WORKERS")
@click.option("--threads", type=int, default=lambda: current().threads, show_default="8, or SHOPGRAPH_THREADS")
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the shop and the API with gunicorn."""
    run_gunicorn(host, port, workers, threads)


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--dataset", default="online-retail", show_default=True)
def demo(host: str, port: int, dataset: str) -> None:
    """Start Neo4j, load the default dataset if the graph is empty, train, and serve the shop."""
    if not Neo4jSettings.from_env().external:
        try:
            state, _ = server.start()
        except server.ServerError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(1)
        click.echo(f"Neo4j: {state.server.browser_url} (user neo4j, password {state.password})")
    with Graph() as graph:
        graph.apply_schema()
        empty = not graph.read("MATCH (p:Product) RETURN p.id AS id LIMIT 1")
    ctx = click.get_current_context()
    main = ctx.find_root().command
    if not isinstance(main, click.Group):
        raise RuntimeError("demo runs as a subcommand of the shopgraph command group")
    if empty:
        load = main.get_command(ctx, "load")
        if load is None:
            raise click.ClickException("the graph is empty and this shopgraph has no load command to fill it")
        ctx.invoke(load, dataset=dataset)
    train = main.get_command(ctx, "train")
    if train is not None:
        ctx.invoke(train)
    click.echo(f"The shop: http://{host}:{port}/")
    run_gunicorn(host, port, workers=current().workers, threads=current().threads)


def register(main: click.Group) -> None:
    from shopgraph.cli.metrics import metrics

    main.add_command(serve)
    main.add_command(demo)
    # The retention job of what serving logs; registered with the serving commands, whose writer runs it too.
    main.add_command(metrics)
