"""Shopper feedback: what a shopper does to a product, checked and written into the graph.

One vocabulary serves the product page, the JSON API and batch imports:

=========  ==========================================  =====================
type       effect                                      value
=========  ==========================================  =====================
view       VIEWED {count + 1, at}                      none
rate       RATED {rating, at}, product average updated 1-5
unrate     the rating removed, average updated         none
like       LIKED {at}, any dislike removed             none
unlike     the like removed                            none
dislike    DISLIKED {at}, any like removed             none
undislike  the dislike removed                         none
cart       ADDED_TO_CART {quantity + value, at}        1-99, default 1
uncart     the product taken out of the cart           none
purchase   an Order of this one product (and PURCHASED) 1-999, default 1
=========  ==========================================  =====================

``parse_event`` checks an event and names the faulty field; ``Feedback.record`` writes it and
returns what changed, or None when the shopper or product is unknown.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import neo4j

from shopgraph.graph import queries
from shopgraph.graph.cart import (
    MAX_CART_QUANTITY,
    MAX_ORDER_QUANTITY,
    add_to_cart_tx,
    place_order_tx,
    remove_from_cart_tx,
)
from shopgraph.graph.db import Graph
from shopgraph.graph.records import plain

#: Every character Python's ``str.strip`` removes. ``NOT_BLANK`` (a regular expression: "has a character that is
#: not one of these") lists them one by one, because ``\\S`` means slightly different things to Python and to
#: the validators that read the OpenAPI document; with it, the document and ``check_id`` agree exactly.
WHITESPACE = "".join(chr(code) for code in range(0x3001) if chr(code).isspace())
NOT_BLANK = f"[^{WHITESPACE}]"

EVENT_TYPES = ("view", "rate", "unrate", "like", "unlike", "dislike", "undislike", "cart", "uncart", "purchase")
MAX_ID_LENGTH = 100

# type -> (lowest, highest, default) for types that take a value.
_VALUE_RANGES = {
    "rate": (1, 5, None),
    "cart": (1, MAX_CART_QUANTITY, 1),
    "purchase": (1, MAX_ORDER_QUANTITY, 1),
}


class InvalidEvent(ValueError):
    """An event that cannot be recorded; ``field`` names the part at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(frozen=True)
class Event:
    type: str
    product_id: str
    value: int | None = None


def check_id(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidEvent(field, f"{field} must be a non-empty string")
    if len(value) > MAX_ID_LENGTH:
        raise InvalidEvent(field, f"{field} is longer than {MAX_ID_LENGTH} characters")
    return value


def _whole_number(value: Any) -> int | None:
    """An int from an int or a string of digits (form fields arrive as text); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value.strip()) < 10:
        return int(value.strip())
    return None


def parse_event(type_: Any, product_id: Any, value: Any = None, prefix: str = "") -> Event:
    """A checked ``Event``; raises ``InvalidEvent`` naming the field (with ``prefix``, e.g. ``events[2].``)."""
    if not isinstance(type_, str) or type_ not in EVENT_TYPES:
        raise InvalidEvent(f"{prefix}type", f"type must be one of {', '.join(EVENT_TYPES)}")
    product_id = check_id(product_id, f"{prefix}product_id")
    if type_ not in _VALUE_RANGES:
        return Event(type_, product_id)
    low, high, default = _VALUE_RANGES[type_]
    if (value is None or value == "") and default is not None:
        return Event(type_, product_id, default)
    number = _whole_number(value)
    if number is None or not low <= number <= high:
        what = "a rating" if type_ == "rate" else "a quantity"
        raise InvalidEvent(f"{prefix}value", f"value must be {what}: a whole number from {low} to {high}")
    return Event(type_, product_id, number)


#: The events one statement writes, and its file: without an Idempotency-Key they commit on their own
#: (``record_alone``). Cart lines and purchases take several statements, in one transaction.
STATEMENTS = {"view": "record_view", "rate": "rate_product", "unrate": "unrate_product", "like": "like_product",
              "unlike": "unlike_product", "dislike": "dislike_product", "undislike": "undislike_product"}


def _statement_params(user_id: str, event: Event) -> dict[str, Any]:
    params: dict[str, Any] = {"userId": user_id, "productId": event.product_id}
    if event.type == "rate":
        params["rating"] = event.value
    return params


# Each handler runs inside a write transaction and returns what changed, or None when unknown.
def _single(name: str) -> Callable[[neo4j.ManagedTransaction, str, Event], dict[str, Any] | None]:
    def handler(tx: neo4j.ManagedTransaction, user_id: str, event: Event) -> dict[str, Any] | None:
        record = tx.run(queries.query(name), _statement_params(user_id, event)).single()
        return plain(record.data()) if record else None

    return handler


def _cart(tx: neo4j.ManagedTransaction, user_id: str, event: Event) -> dict[str, Any] | None:
    quantity = add_to_cart_tx(tx, user_id, event.product_id, event.value or 1)
    return None if quantity is None else {"inCart": quantity}


def _uncart(tx: neo4j.ManagedTransaction, user_id: str, event: Event) -> dict[str, Any] | None:
    if tx.run(queries.query("shopper_product_state"), userId=user_id, productId=event.product_id).single() is None:
        return None
    remove_from_cart_tx(tx, user_id, event.product_id)
    return {"inCart": 0}


def _purchase(tx: neo4j.ManagedTransaction, user_id: str, event: Event) -> dict[str, Any] | None:
    order = place_order_tx(tx, user_id, [{"productId": event.product_id, "quantity": event.value or 1}])
    return None if order is None else {"order": order}


def record_tx(tx: neo4j.ManagedTransaction, user_id: str, event: Event) -> dict[str, Any] | None:
    """Writes one event inside the caller's transaction; what changed, or None when shopper or product is unknown."""
    return _HANDLERS[event.type](tx, user_id, event)


def record_many_tx(tx: neo4j.ManagedTransaction, events: list[tuple[str, Event]]) -> list[dict[str, Any] | None]:
    return [record_tx(tx, user_id, event) for user_id, event in events]


def record_alone(graph: Graph, user_id: str, event: Event) -> dict[str, Any] | None:
    """Writes one event in a transaction of its own, as ``Feedback.record`` does; an event of ``STATEMENTS`` as
    one auto-commit statement (``Graph.write_statement``: one round trip, and half Neo4j's work, for the write a
    shopper's next list waits on). Raises ``IncompleteCommit`` when the outcome is unknown."""
    name = STATEMENTS.get(event.type)
    if name is None:
        return Feedback(graph).record(user_id, event)
    rows = graph.write_statement(name, **_statement_params(user_id, event))
    return plain(rows[0]) if rows else None


_HANDLERS = {
    **{event_type: _single(name) for event_type, name in STATEMENTS.items()},
    "cart": _cart,
    "uncart": _uncart,
    "purchase": _purchase,
}


class Feedback:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def record(self, user_id: str, event: Event) -> dict[str, Any] | None:
        """Writes one event; returns what changed, or None when the shopper or product is unknown."""
        return self.graph.write_with(lambda tx: record_tx(tx, user_id, event))

    def record_many(self, events: list[tuple[str, Event]]) -> list[dict[str, Any] | None]:
        """Writes ``(user_id, event)`` pairs in one transaction: all of them or, on failure, none."""
        return self.graph.write_with(lambda tx: record_many_tx(tx, events))

    def known_users(self, user_ids: list[str]) -> set[str]:
        if not user_ids:
            return set()
        return {row["id"] for row in self.graph.read("users_exist", userIds=list(dict.fromkeys(user_ids)))}

    # -- what a shopper has done ------------------------------------------------------------
    def product_state(self, user_id: str, product_id: str) -> dict[str, Any]:
        """``{rating, liked, disliked, inCart}`` of a shopper for one product."""
        row = self.graph.read_one("shopper_product_state", userId=user_id, productId=product_id)
        return row or {"rating": None, "liked": False, "disliked": False, "inCart": 0}

    def recently_viewed(self, user_id: str, limit: int = 8) -> list[dict[str, Any]]:
        """Products the shopper opened, the latest first, each with ``viewedAt``."""
        rows = plain(self.graph.read("recently_viewed", userId=user_id, limit=limit))
        return [{**row["product"], "viewedAt": row["at"]} for row in rows]

    def opinions(self, user_id: str, limit: int = 200) -> dict[str, list[dict[str, Any]]]:
        """``{ratings, likes, dislikes}``: ``[{product, rating?, at}]`` each, newest first."""
        found: dict[str, list[dict[str, Any]]] = {"ratings": [], "likes": [], "dislikes": []}
        group = {"RATED": "ratings", "LIKED": "likes", "DISLIKED": "dislikes"}
        for row in plain(self.graph.read("shopper_opinions", userId=user_id, limit=limit)):
            found[group[row["kind"]]].append({"product": row["product"], "rating": row["rating"], "at": row["at"]})
        return found
