"""Where ShopGraph keeps its local state and how it reaches Neo4j.

The Neo4j jars, each server instance's data and logs, and the generated password live under one
folder, ``$SHOPGRAPH_HOME``. Its default depends on how ShopGraph was installed: ``.shopgraph/`` in
a source checkout (git-ignored, beside ``artifacts/`` and ``reports/``), the user's data folder
(``$XDG_DATA_HOME/shopgraph``, else ``~/.local/share/shopgraph``) for an installed wheel, with the
artefacts and reports inside it. With ``NEO4J_URI`` set, ShopGraph talks to that server instead and
never starts its own.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

# A Traversable that is a real folder: wheels install unzipped, and an editable install maps the package here.
CYPHER_DIR = Path(str(resources.files("shopgraph.cypher")))


def checkout() -> Path | None:
    """The source checkout this code runs from, or None when it runs from an installed wheel."""
    root = Path(__file__).resolve().parent.parent
    return root if (root / "pyproject.toml").exists() and (root / "cypher").is_dir() else None


def home() -> Path:
    if os.environ.get("SHOPGRAPH_HOME"):
        return Path(os.environ["SHOPGRAPH_HOME"]).resolve()
    source = checkout()
    if source is not None:
        return source / ".shopgraph"
    data = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return (Path(data) / "shopgraph").resolve()


def workspace() -> Path:
    """Where artefacts and reports go by default: the checkout itself, or the home of an installed shop."""
    return checkout() or home()


def artifacts_dir() -> Path:
    return Path(os.environ.get("SHOPGRAPH_ARTIFACTS") or workspace() / "artifacts")


def reports_dir() -> Path:
    return workspace() / "reports"


@dataclass(frozen=True)
class LocalServer:
    """One local Neo4j instance: its folder and ports. Tests run their own instance beside the demo's."""

    name: str
    bolt_port: int
    http_port: int

    @classmethod
    def from_env(cls) -> "LocalServer":
        return cls(
            name=os.environ.get("SHOPGRAPH_NEO4J_INSTANCE", "server"),
            bolt_port=int(os.environ.get("SHOPGRAPH_NEO4J_BOLT_PORT", "7687")),
            http_port=int(os.environ.get("SHOPGRAPH_NEO4J_HTTP_PORT", "7474")),
        )

    @property
    def folder(self) -> Path:
        return home() / self.name

    @property
    def password_file(self) -> Path:
        return self.folder / "password"

    @property
    def uri(self) -> str:
        return f"neo4j://127.0.0.1:{self.bolt_port}"

    @property
    def browser_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/browser/"


@dataclass(frozen=True)
class Neo4jSettings:
    uri: str
    user: str
    password: str
    database: str = "neo4j"
    external: bool = False

    @classmethod
    def from_env(cls) -> "Neo4jSettings":
        database = os.environ.get("NEO4J_DATABASE", "neo4j")
        if os.environ.get("NEO4J_URI"):
            return cls(
                uri=os.environ["NEO4J_URI"],
                user=os.environ.get("NEO4J_USER", "neo4j"),
                password=os.environ.get("NEO4J_PASSWORD", ""),
                database=database,
                external=True,
            )
        server = LocalServer.from_env()
        password = server.password_file.read_text().strip() if server.password_file.exists() else ""
        return cls(uri=server.uri, user="neo4j", password=password, database=database)
