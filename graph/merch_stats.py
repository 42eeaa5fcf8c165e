"""What the merchandiser's dashboard reads about the shop: activity per day, best sellers, a product's
neighbourhood and the shoppers worth a look. Plain Python data, read in read transactions.

Time windows end at the shop's latest activity rather than at the wall clock, so a historical dataset
(Online Retail ends in December 2011) shows its own last month, not an empty one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shopgraph.graph.db import Graph
from shopgraph.graph.records import plain

ACTIVITY_KINDS = ("purchases", "views", "carts", "opinions")


@dataclass(frozen=True)
class Window:
    """Days ``since`` (inclusive) to ``until`` (exclusive) -- ``days`` days ending with the shop's latest one."""

    since: datetime
    until: datetime

    @property
    def days(self) -> list[date]:
        first, last = self.since.date(), (self.until - timedelta(microseconds=1)).date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]


class MerchStats:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def window(self, days: int = 30) -> Window | None:
        """The last ``days`` days of the shop's activity; None for a shop with none yet."""
        latest = self.graph.read_value("latest_activity")
        if latest is None:
            return None
        last_day = latest.to_native().astimezone(UTC).date()
        until = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), UTC)
        return Window(until - timedelta(days=days), until)

    def activity(self, window: Window) -> dict[str, Any]:
        """Per day of the window (every day, zeros included): purchases (orders), lines, views, carts and
        opinions (ratings and likes); plus ``totals`` and ``kinds``, the kinds this shop has at all."""
        rows = {plain(row["day"]): row for row in
                self.graph.read("activity_per_day", since=window.since, until=window.until)}
        days: list[dict[str, Any]] = [{"day": day, **{kind: int((rows.get(day) or {}).get(kind) or 0)
                                for kind in (*ACTIVITY_KINDS, "lines")}} for day in window.days]
        totals = {kind: sum(day[kind] for day in days) for kind in (*ACTIVITY_KINDS, "lines")}
        return {"days": days, "totals": totals, "kinds": [kind for kind in ACTIVITY_KINDS if totals[kind]]}

    def top_products(self, since: datetime, limit: int = 10) -> list[dict[str, Any]]:
        return [plain(row) for row in self.graph.read("top_products", since=since, limit=limit)]

    def top_categories(self, since: datetime, limit: int = 10) -> list[dict[str, Any]]:
        return [plain(row) for row in self.graph.read("top_categories", since=since, limit=limit)]

    def neighbourhood(self, product_id: str, limit: int = 6) -> dict[str, Any] | None:
        """The product and what surrounds it (see ``cypher/product_neighbourhood.cypher``); None when unknown."""
        row = self.graph.read_one("product_neighbourhood", productId=product_id, limit=limit)
        return plain(row) if row else None

    def active_shoppers(self, limit: int = 12) -> list[dict[str, Any]]:
        return self.graph.read("active_shoppers", limit=limit)
