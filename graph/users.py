"""Shop accounts, as plain Python data.

Passwords arrive here already hashed: hashing is the web app's job (``webapp.security``). Failed sign-ins
are not written to the graph: throttling them is the web app's job too (``webapp.throttling``), so that a
stranger typing any email address adds nothing here.
"""
from __future__ import annotations

import uuid
from typing import Any

from neo4j.exceptions import ConstraintError

from shopgraph.graph.db import Graph
from shopgraph.graph.records import plain

ROLES = ("shopper", "merchandiser")


class EmailTaken(ValueError):
    """Another account already uses this email address."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


class Users:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def create(self, email: str, name: str, password_hash: str, role: str = "shopper") -> dict[str, Any]:
        """A new account with a fresh uuid; raises ``EmailTaken`` when the address is in use."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
        try:
            rows = self.graph.write("create_user", userId=str(uuid.uuid4()), email=normalise_email(email),
                                    name=name.strip(), passwordHash=password_hash, role=role)
        except ConstraintError as error:
            raise EmailTaken(normalise_email(email)) from error
        return plain(rows[0]["user"])

    def by_id(self, user_id: str) -> dict[str, Any] | None:
        """``{id, email, name, role, createdAt, canSignIn}``, never the password hash."""
        row = self.graph.read_one("user_by_id", userId=user_id)
        return plain(row["user"]) if row else None

    def by_email(self, email: str) -> dict[str, Any] | None:
        """``{id, email, name, role, passwordHash}`` for checking a password."""
        row = self.graph.read_one("user_by_email", email=normalise_email(email))
        return row["user"] if row else None

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        self.graph.write("set_password_hash", userId=user_id, passwordHash=password_hash)
