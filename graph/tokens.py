"""API tokens for merchandisers and integrations, stored hashed.

A token reads ``sg_<id>_<secret>``: the id finds the (:ApiToken) node, and only the SHA-256 of the
secret is kept there. The secret is 256 random bits, so a fast hash is enough (a slow password hash
would only slow down every API call); comparison is constant-time.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from shopgraph.graph.db import Graph
from shopgraph.graph.records import plain

#: merchandiser: everything, including any shopper's recommendations; integration: catalogue reads, events, and
#: writing and deleting products and shoppers.
ROLES = ("merchandiser", "integration")
PREFIX = "sg"


@dataclass(frozen=True)
class ApiToken:
    id: str
    role: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _split(token: str) -> tuple[str, str] | None:
    prefix, _, rest = (token or "").partition("_")
    token_id, _, secret = rest.partition("_")
    if prefix != PREFIX or not token_id or not secret or len(token) > 200:
        return None
    return token_id, secret


class Tokens:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def create(self, role: str, name: str | None = None) -> tuple[ApiToken, str]:
        """A new token for ``role``; returns it and its text, which is shown once and never stored."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
        token_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        self.graph.write("create_api_token", tokenId=token_id, hash=_digest(secret), role=role, name=name)
        return ApiToken(token_id, role), f"{PREFIX}_{token_id}_{secret}"

    def verify(self, token: str) -> ApiToken | None:
        """The token's identity and role, or None when the text is not a live token."""
        parts = _split(token)
        if parts is None:
            return None
        token_id, secret = parts
        row = self.graph.read_one("api_token_by_id", tokenId=token_id)
        if row is None or not hmac.compare_digest(row["token"]["hash"], _digest(secret)):
            return None
        return ApiToken(token_id, row["token"]["role"])

    def all(self) -> list[dict[str, Any]]:
        return [plain(row["token"]) for row in self.graph.read("api_tokens")]

    def revoke(self, token_id: str) -> bool:
        return self.graph.write("revoke_api_token", tokenId=token_id)[0]["revoked"] > 0
