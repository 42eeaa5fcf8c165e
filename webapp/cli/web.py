"""``shopgraph serve`` (gunicorn) and ``shopgraph demo`` (from nothing to a running shop)."""
from __future__ import annotations

import os
import secrets
import sys

import click

from graph import server
from graph.db import Graph
from graph.settings import Neo4jSettings, home


def _secret_key() -> str:
    """One key shared by every worker and kept across restarts, so sessions survive both."""
    if os.environ.get("SHOPGRAPH_SECRET_KEY"):
        return os.environ["SHOPGRAPH_SECRET_KEY"]
    path = home() / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def run_gunicorn(host: str, port: int, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    from webapp.app import create_app

    os.environ["SHOPGRAPH_SECRET_KEY"] = _secret_key()

    class ShopServer(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            # Requests mostly wait on Neo4j, so threads per worker overlap that waiting cheaply.
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", threads)
            self.cfg.set("accesslog", os.environ.get("SHOPGRAPH_ACCESS_LOG"))
            self.cfg.set("timeout", 60)
            self.cfg.set("post_worker_init", _warm_up)

        def load(self):
            return create_app()

    ShopServer().run()


def _warm_up(worker) -> None:
    """Before a worker takes its first request: load what every list shares (trending, popular, categories,
    the product vectors, the newest artefact), so no shopper waits for it. A failure only costs the head start."""
    try:
        worker.wsgi.extensions["recommender"].get().warm_up()
    except Exception as error:  # Neo4j still starting, no artefact yet: the first requests load it instead
        worker.log.warning("warm-up skipped: %s", error)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=lambda: int(os.environ.get("SHOPGRAPH_WORKERS", "2")), show_default="2")
@click.option("--threads", default=lambda: int(os.environ.get("SHOPGRAPH_THREADS", "8")), show_default="8")
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
    if empty:
        ctx.invoke(main.get_command(ctx, "load"), dataset=dataset)
    train = main.get_command(ctx, "train")
    if train is not None:
        ctx.invoke(train)
    click.echo(f"The shop: http://{host}:{port}/")
    run_gunicorn(host, port, workers=2, threads=8)


def register(main: click.Group) -> None:
    main.add_command(serve)
    main.add_command(demo)
