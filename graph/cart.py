"""The shopper's cart, kept in the graph as ADDED_TO_CART edges, and the orders checkout places.

Checkout is one write transaction: it takes the shopper's lock, reads the cart, creates the Order with
its CONTAINS lines at today's prices, updates the PURCHASED roll-up and empties the cart, so a failure
leaves the cart as it was and concurrent checkouts of one cart (a double-click, a retry) make one order:
the later ones find the cart empty and are told the order just placed. The ``*_tx`` functions run inside
a caller's transaction (``graph.events`` batches them; ``webapp.idempotency`` adds a key).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import neo4j
from neo4j.exceptions import IncompleteCommit

from shopgraph.graph import queries
from shopgraph.graph.db import Graph
from shopgraph.graph.records import plain

#: Most units of one product a cart line holds, and one order line.
MAX_CART_QUANTITY = 99
MAX_ORDER_QUANTITY = 999
#: A checkout that finds the cart empty names the shopper's order of the last this many seconds, if any:
#: the order a double-click or a retry already placed.
RECENT_ORDER_SECONDS = 120


@dataclass(frozen=True)
class Checkout:
    """What a checkout did: ``order`` placed now, or none and the ``recent_order`` id placed just before."""

    order: dict[str, Any] | None
    recent_order: str | None = None


def add_to_cart_tx(tx: neo4j.ManagedTransaction, user_id: str, product_id: str, quantity: int) -> int | None:
    """The quantity now in the cart, or None when the shopper or product is unknown."""
    record = tx.run(queries.query("add_to_cart"), userId=user_id, productId=product_id, quantity=quantity,
                    maxQuantity=MAX_CART_QUANTITY).single()
    return record["quantity"] if record else None


def remove_from_cart_tx(tx: neo4j.ManagedTransaction, user_id: str, product_id: str) -> bool:
    record = tx.run(queries.query("remove_from_cart"), userId=user_id, productId=product_id).single(strict=True)
    return record["removed"] > 0


def place_order_tx(tx: neo4j.ManagedTransaction, user_id: str, lines: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Places an order of ``lines`` (``{productId, quantity}``); None when no line names a known product."""
    merged: dict[str, int] = {}
    for line in lines:
        merged[line["productId"]] = min(merged.get(line["productId"], 0) + line["quantity"], MAX_ORDER_QUANTITY)
    if not merged:
        return None
    record = tx.run(queries.query("place_order"), userId=user_id, orderId=str(uuid.uuid4()),
                    lines=[{"productId": pid, "quantity": q} for pid, q in merged.items()]).single()
    if record is None:
        return None
    return plain({**record["order"], "lines": record["lines"], "items": record["items"], "total": record["total"]})


def checkout_tx(tx: neo4j.ManagedTransaction, user_id: str) -> Checkout:
    """Turns the shopper's cart into an order, exactly once however many checkouts run at the same time."""
    record = tx.run(queries.query("checkout_cart"), userId=user_id, recentSeconds=RECENT_ORDER_SECONDS).single()
    if record is None:
        return Checkout(None)
    order = place_order_tx(tx, user_id, record["lines"])
    return Checkout(order, None if order else record["recentOrder"])


def shared_currency(lines: list[dict[str, Any]]) -> str | None:
    """The currency a total of ``lines`` is in: the one their products share, or None (the shop's own) when
    they name none or several. The shop converts nothing, so a total only has a currency its lines agree on."""
    currencies = {line["product"].get("currency") for line in lines}
    return currencies.pop() if len(currencies) == 1 else None


class Cart:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def lines(self, user_id: str) -> list[dict[str, Any]]:
        """``[{product, quantity, subtotal}]``, the most recently added first."""
        rows = plain(self.graph.read("cart_lines", userId=user_id))
        return [{"product": row["product"], "quantity": row["quantity"],
                 "subtotal": row["quantity"] * (row["product"]["price"] or 0.0)} for row in rows]

    def summary(self, user_id: str) -> dict[str, Any]:
        """``{lines, items (units), total, currency}``."""
        lines = self.lines(user_id)
        return {"lines": lines, "items": sum(line["quantity"] for line in lines),
                "total": sum(line["subtotal"] for line in lines), "currency": shared_currency(lines)}

    def size(self, user_id: str) -> int:
        """Units in the cart (the header's badge)."""
        return self.graph.read_value("cart_size", userId=user_id) or 0

    def add(self, user_id: str, product_id: str, quantity: int = 1) -> int | None:
        return self.graph.write_with(lambda tx: add_to_cart_tx(tx, user_id, product_id, quantity))

    def set_quantity(self, user_id: str, product_id: str, quantity: int) -> bool:
        """Sets a line's quantity (0 removes it); False when the product is not in the cart."""
        if quantity <= 0:
            return self.remove(user_id, product_id)
        quantity = min(quantity, MAX_CART_QUANTITY)
        return bool(self.graph.write("set_cart_quantity", userId=user_id, productId=product_id, quantity=quantity))

    def remove(self, user_id: str, product_id: str) -> bool:
        return self.graph.write_with(lambda tx: remove_from_cart_tx(tx, user_id, product_id))

    def checkout(self, user_id: str) -> Checkout:
        """Turns the cart into an order ``{id, at, lines, items, total}`` (``Checkout.order``).

        Safe to repeat: a checkout whose commit answer was lost is run again, and finds either the cart
        it did not order or the order it did (``Checkout.recent_order``)."""
        try:
            return self.graph.write_with(lambda tx: checkout_tx(tx, user_id))
        except IncompleteCommit:
            return self.graph.write_with(lambda tx: checkout_tx(tx, user_id))

    def orders(self, user_id: str, limit: int = 50) -> list[dict[str, Any]]:
        """The shopper's orders, newest first: ``{id, at, lines: [{product, quantity, price}], total, currency}``."""
        rows = plain(self.graph.read("shopper_orders", userId=user_id, limit=limit))
        return [{**row["order"], "lines": row["lines"], "total": row["total"],
                 "currency": shared_currency(row["lines"])} for row in rows]

    def order(self, user_id: str, order_id: str) -> dict[str, Any] | None:
        """One of the shopper's own orders; None for an unknown order or someone else's."""
        row = self.graph.read_one("shopper_order", userId=user_id, orderId=order_id)
        if row is None:
            return None
        return plain({**row["order"], "lines": row["lines"], "total": row["total"],
                      "currency": shared_currency(row["lines"])})
