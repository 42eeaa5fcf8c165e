"""Test helpers: the fixture shop, signing in, and the CSRF token a page carries."""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from shopgraph.graph.db import Graph
from shopgraph.webapp.security import hash_password

FIXTURE = Path(__file__).parent / "fixtures" / "shop.cypher"
ADA = {"id": "u-ada", "email": "ada@example.com", "password": "Ada-loves-engines-1843"}
BOB = {"id": "u-bob", "email": "bob@example.com", "password": "Bob-can-fix-it-2024"}
PRODUCT_COUNT = 12

_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


@cache
def _hashes() -> dict[str, str]:
    # argon2 is slow on purpose; hash the fixture passwords once per test session.
    return {"adaHash": hash_password(ADA["password"]), "bobHash": hash_password(BOB["password"])}


def stock(graph: Graph) -> None:
    """Writes the fixture shop into an empty graph."""
    text = "\n".join(line for line in FIXTURE.read_text().splitlines() if not line.lstrip().startswith("//"))
    for statement in (part.strip() for part in text.split(";")):
        if statement:
            graph.write(statement, **_hashes())


def csrf_token(client, path: str = "/") -> str:
    """The CSRF token of the client's session, as the page's meta tag carries it."""
    page = client.get(path).get_data(as_text=True)
    found = _META.search(page)
    assert found, f"no csrf-token meta tag on {path}"
    return found.group(1)


def sign_in(client, who: dict[str, str]) -> str:
    """Signs the client in as ``who`` and returns the CSRF token of the new session."""
    token = csrf_token(client, "/signin")
    response = client.post("/signin", data={"email": who["email"], "password": who["password"], "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return csrf_token(client)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
