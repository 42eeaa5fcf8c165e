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


class NotAShopper(ValueError):
    """The account is not a shopper's (a merchandiser's): the shopper API leaves it alone."""


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

    def put_shopper(self, user_id: str, name: str, email: str | None) -> tuple[dict[str, Any], bool]:
        """Creates or replaces a shopper's name and email (no password: such a shopper cannot sign in until they
        set one in the shop); returns the account and whether it was created. Raises ``EmailTaken`` and
        ``NotAShopper``."""
        try:
            rows = self.graph.write("put_shopper", userId=user_id, name=name,
                                    email=normalise_email(email) if email is not None else None)
        except ConstraintError as error:
            raise EmailTaken(normalise_email(email or "")) from error
        if rows[0]["role"] != "shopper":
            raise NotAShopper(user_id)
        return plain(rows[0]["user"]), bool(rows[0]["created"])

    def erase_shopper(self, user_id: str) -> bool:
        """Erases a shopper and their personal data (``cypher/erase_shopper.cypher``); False when there was no
        such account. Raises ``NotAShopper`` for a merchandiser's account."""
        row = self.graph.write("erase_shopper", userId=user_id)[0]
        if row["role"] not in (None, "shopper"):
            raise NotAShopper(user_id)
        return bool(row["erased"])
