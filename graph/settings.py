"""Where ShopGraph keeps its local state and how it reaches Neo4j.

The Neo4j jars, each server instance's data and logs, and the generated password live under one
folder, ``$SHOPGRAPH_HOME``. Its default depends on how ShopGraph was installed: ``.shopgraph/`` in
a source checkout (git-ignored, beside ``artifacts/`` and ``reports/``), the user's data folder
(``$XDG_DATA_HOME/shopgraph``, else ``~/.local/share/shopgraph``) for an installed wheel, with the
artefacts and reports inside it. With ``NEO4J_URI`` set, ShopGraph talks to that server instead and
never starts its own. Every variable is read through ``graph.config``.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from shopgraph.graph import config

# A Traversable that is a real folder: wheels install unzipped, and an editable install maps the package here.
CYPHER_DIR = Path(str(resources.files("shopgraph.cypher")))


checkout = config.checkout


def home() -> Path:
    return config.current().home


def workspace() -> Path:
    """Where artefacts and reports go by default: the checkout itself, or the home of an installed shop."""
    return checkout() or home()


def artifacts_dir() -> Path:
    return config.current().artifacts


def reports_dir() -> Path:
    return workspace() / "reports"


@dataclass(frozen=True)
class LocalServer:
    """One local Neo4j instance: its folder and ports. Tests run their own instance beside the demo's."""

    name: str
    bolt_port: int
    http_port: int

    @classmethod
    def from_env(cls) -> LocalServer:
        settings = config.current()
        return cls(name=settings.neo4j_instance, bolt_port=settings.neo4j_bolt_port,
                   http_port=settings.neo4j_http_port)

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
    def from_env(cls) -> Neo4jSettings:
        settings = config.current()
        database = settings.neo4j_database
        if settings.neo4j_uri:
            return cls(uri=settings.neo4j_uri, user=settings.neo4j_user, password=settings.neo4j_password,
                       database=database, external=True)
        server = LocalServer.from_env()
        password = server.password_file.read_text().strip() if server.password_file.exists() else ""
        return cls(uri=server.uri, user="neo4j", password=password, database=database)
