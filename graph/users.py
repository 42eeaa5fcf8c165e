"""Shop accounts and the record of failed sign-ins, as plain Python data.

Passwords arrive here already hashed: hashing is the web app's job (``webapp.security``). The
failed sign-in count lives in the graph, per email address, so that every web worker sees it.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from neo4j.exceptions import ConstraintError

from graph.db import Graph
from graph.records import plain

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

    # -- failed sign-ins --------------------------------------------------------------------
    def locked_until(self, email: str) -> datetime | None:
        """When the address may try again, if it is locked now (a timezone-aware UTC datetime)."""
        row = self.graph.read_one("sign_in_guard", email=normalise_email(email))
        until = plain(row["lockedUntil"]) if row else None
        return until if until and until > _now(until) else None

    def record_failed_sign_in(self, email: str, max_failures: int, window_seconds: int,
                              lock_seconds: int) -> datetime | None:
        """Counts a failure; returns the time the address is locked until when this failure locked it."""
        row = self.graph.write("record_failed_sign_in", email=normalise_email(email), maxFailures=max_failures,
                               windowSeconds=window_seconds, lockSeconds=lock_seconds)[0]
        until = plain(row["lockedUntil"])
        return until if until and until > _now(until) else None

    def clear_failed_sign_ins(self, email: str) -> None:
        self.graph.write("clear_sign_in_guard", email=normalise_email(email))


def _now(like: datetime) -> datetime:
    return datetime.now(like.tzinfo)
