"""Named Cypher queries: one statement per ``cypher/NAME.cypher`` file, loaded by name and cached.

Each file opens with ``//`` comment lines naming what it finds, its parameters and its columns;
``describe`` returns that header so `shopgraph cypher` and the Browser guide can show it.
"""
from __future__ import annotations

import re
from functools import cache

from shopgraph.graph.settings import CYPHER_DIR

_NAME = re.compile(r"^[a-z0-9_]+$")


class UnknownQuery(KeyError):
    pass


def is_name(text: str) -> bool:
    return bool(_NAME.match(text)) and (CYPHER_DIR / f"{text}.cypher").exists()


@cache
def _read(name: str) -> str:
    if not _NAME.match(name):
        raise UnknownQuery(name)
    path = CYPHER_DIR / f"{name}.cypher"
    if not path.exists():
        raise UnknownQuery(name)
    return path.read_text()


@cache
def query(name: str) -> str:
    """The statement of a named query, without its header comments (kept: the serving path asks on
    every request)."""
    lines = [line for line in _read(name).splitlines() if not line.lstrip().startswith("//")]
    return "\n".join(lines).strip().rstrip(";")


def statements(name: str) -> list[str]:
    """A file of several statements separated by ``;`` (the schema), comments dropped."""
    lines = [line for line in _read(name).splitlines() if not line.lstrip().startswith("//")]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]


def describe(name: str) -> str:
    """The header comment of a named query."""
    header = []
    for line in _read(name).splitlines():
        if not line.lstrip().startswith("//"):
            break
        header.append(line.lstrip()[2:].strip())
    return "\n".join(header)


def names() -> list[str]:
    return sorted(path.stem for path in CYPHER_DIR.glob("*.cypher"))
