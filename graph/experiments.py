"""Online metrics in the graph: recommendation lists served, clicks on them, and A/B tests between strategies.

- Every list a shopper is shown is a ``(:RecommendationList {id, strategy, surface, at, userId, experimentId,
  variant})`` with ``[:SHOWED {position}]`` edges to its products; a click on one of them is
  ``[:CLICKED {at, count}]`` from the list to the product (``RecommendationLists``). That is for signed-in
  shoppers, whose lists A/B tests and click-through need one by one. Lists shown to visitors are only counted:
  one ``(:ListTally {id, day, surface, strategy, lists, impressions, clicks})`` per day, surface and strategy,
  whose id (``tally_id``) their links carry, so anonymous traffic cannot grow the graph per request.
- Lists and tallies older than the retention age are deleted (``RecommendationLists.prune``).
- An ``(:Experiment {id, name, strategyA, strategyB, active})`` splits shoppers between two strategies by a
  stable hash (``assign_variant``); at most one runs at a time (``Experiments``).
- Shares come with a 95% Wilson score interval (``wilson_interval``), which behaves for small counts and for
  shares near 0 or 1, where the textbook normal interval does not.
"""
from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from shopgraph.graph.db import Graph
from shopgraph.graph.records import plain

VARIANTS = ("A", "B")
MAX_NAME_LENGTH = 80
#: A list converts when its shopper orders a product it showed within this many hours.
CONVERSION_WINDOW_HOURS = 24
Z_95 = 1.959963984540054


def assign_variant(experiment_id: str, user_id: str) -> str:
    """"A" or "B" for this shopper in this experiment: the first 8 bytes of sha256(experiment id, user id), even
    or odd. The same shopper always lands in the same variant of an experiment, in every process and after a
    restart; different experiments split shoppers independently."""
    digest = hashlib.sha256(f"{experiment_id}\x1f{user_id}".encode()).digest()
    return VARIANTS[int.from_bytes(digest[:8], "big") % 2]


def tally_id(day: date, surface: str, strategy: str) -> str:
    """The id of visitors' lists of one day, surface and strategy: 32 hex digits like a list id, the same in every
    process, so links carry it as ``?rec=`` and a click finds the tally without any worker having read it."""
    return hashlib.sha256(f"visitors\x1f{day.isoformat()}\x1f{surface}\x1f{strategy}".encode()).hexdigest()[:32]


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a share ``successes / trials`` (95% by default); (0, 0) with no trials."""
    if trials <= 0:
        return 0.0, 0.0
    share = successes / trials
    denominator = 1 + z * z / trials
    centre = (share + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(share * (1 - share) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Share:
    """``successes`` of ``trials``, with its 95% Wilson interval."""

    successes: int
    trials: int

    @property
    def rate(self) -> float:
        return self.successes / self.trials if self.trials else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.successes, self.trials)

    def as_dict(self) -> dict[str, Any]:
        low, high = self.interval
        return {"successes": self.successes, "trials": self.trials, "rate": self.rate, "low": low, "high": high}


class InvalidExperiment(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


class Experiments:
    """A/B tests stored in the graph. Rows are plain dicts: id, name, strategyA, strategyB, active, createdAt,
    startedAt, stoppedAt."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def create(self, name: Any, strategy_a: Any, strategy_b: Any, strategies: tuple[str, ...]) -> dict[str, Any]:
        """A new, stopped experiment; raises ``InvalidExperiment`` naming the field at fault."""
        name = name.strip() if isinstance(name, str) else ""
        if not name:
            raise InvalidExperiment("name", "Give the experiment a name.")
        if len(name) > MAX_NAME_LENGTH:
            raise InvalidExperiment("name", f"Use at most {MAX_NAME_LENGTH} characters for the name.")
        for field, strategy in (("strategy_a", strategy_a), ("strategy_b", strategy_b)):
            if strategy not in strategies:
                raise InvalidExperiment(field, f"{field} must be one of {', '.join(strategies)}")
        if strategy_a == strategy_b:
            raise InvalidExperiment("strategy_b", "Choose two different strategies to compare.")
        row = self.graph.write("create_experiment", experimentId=f"x-{secrets.token_hex(5)}", name=name,
                               strategyA=strategy_a, strategyB=strategy_b)[0]
        return plain(row["experiment"])

    def all(self) -> list[dict[str, Any]]:
        return [plain(row["experiment"]) for row in self.graph.read("experiments")]

    def active(self) -> dict[str, Any] | None:
        row = self.graph.read_one("active_experiment")
        return plain(row["experiment"]) if row else None

    def set_active(self, experiment_id: str, active: bool) -> bool:
        """Starts (stopping any other) or stops an experiment; False when there is no such experiment."""
        return bool(self.graph.write("set_experiment_active", experimentId=experiment_id, active=bool(active)))

    def delete(self, experiment_id: str) -> bool:
        return self.graph.write("delete_experiment", experimentId=experiment_id)[0]["deleted"] > 0

    def results(self, experiment: dict[str, Any],
                window_hours: int = CONVERSION_WINDOW_HOURS) -> list[dict[str, Any]]:
        """Per variant (A then B, both always present): strategy, shoppers, lists, clicks, and the shares of
        shoppers who clicked (``click_through``) and who converted (``conversion``) as ``Share.as_dict()``."""
        rows = {row["variant"]: row for row in self.graph.read("experiment_results", experimentId=experiment["id"],
                                                                windowHours=window_hours)}
        results = []
        for variant, strategy in zip(VARIANTS, (experiment["strategyA"], experiment["strategyB"]), strict=True):
            row = rows.get(variant) or {}
            shoppers = int(row.get("shoppers") or 0)
            results.append({
                "variant": variant, "strategy": strategy, "shoppers": shoppers,
                "lists": int(row.get("lists") or 0), "clicks": int(row.get("clicks") or 0),
                "click_through": Share(int(row.get("clickers") or 0), shoppers).as_dict(),
                "conversion": Share(int(row.get("converters") or 0), shoppers).as_dict(),
            })
        return results


class RecommendationLists:
    """Recommendation lists served, visitors' tallies, and the clicks on them."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def record(self, lists: list[dict[str, Any]]) -> int:
        """Writes signed-in shoppers' lists (rows of ``record_recommendation_lists``) in one transaction."""
        if not lists:
            return 0
        return self.graph.write("record_recommendation_lists", rows=lists)[0]["recorded"]

    def record_tallies(self, tallies: list[dict[str, Any]]) -> int:
        """Adds visitors' list counts (rows of ``record_list_tallies``) in one transaction."""
        if not tallies:
            return 0
        return self.graph.write("record_list_tallies", rows=tallies)[0]["recorded"]

    def record_clicks(self, clicks: list[dict[str, Any]]) -> list[str]:
        """Writes clicks (rows of ``record_recommendation_clicks``) in one transaction; returns the list ids found
        neither as a list nor as a tally (nothing was written for those)."""
        if not clicks:
            return []
        rows = self.graph.write("record_recommendation_clicks", rows=clicks)
        return list(rows[0]["unmatched"]) if rows else []

    def click_through(self, since: datetime) -> list[dict[str, Any]]:
        """Per surface and strategy since ``since``: lists, impressions, clicks, and ``click_through``, the
        share of lists with a click (``Share.as_dict()``). Signed-in shoppers' lists first, counted list by list;
        then visitors' (``visitors`` True, surface marked "(visitors)"), whose lists are only tallied, so their
        click-through is clicks per list, at most 1: an upper bound of the share of lists clicked."""
        rows = self.graph.read("recommendation_click_through", since=since)
        signed_in = [{**row, "visitors": False,
                      "click_through": Share(int(row["clickedLists"]), int(row["lists"])).as_dict()}
                     for row in rows]
        visitors = [{**row, "surface": f"{row['surface']} (visitors)", "visitors": True,
                     "clickedLists": min(int(row["clicks"]), int(row["lists"])),
                     "click_through": Share(min(int(row["clicks"]), int(row["lists"])), int(row["lists"])).as_dict()}
                    for row in self.graph.read("visitor_click_through", since=since)]
        return signed_in + visitors

    def get(self, list_id: str) -> dict[str, Any] | None:
        """One list with the products it showed (in order) and those clicked; for tests and support."""
        row = self.graph.read_one("recommendation_list", listId=list_id)
        if row is None:
            return None
        return {**plain(row["list"]), "showed": row["showed"], "clicked": row["clicked"]}

    def tally(self, list_id: str) -> dict[str, Any] | None:
        """The visitors' tally a ``?rec=`` id names: day, surface, strategy, lists, impressions, clicks."""
        row = self.graph.read_one("list_tally", tallyId=list_id)
        return plain(row["tally"]) if row else None

    def prune(self, before: datetime, batch: int = 5000) -> int:
        """Deletes lists served before ``before`` and visitors' tallies of earlier days, ``batch`` nodes per
        transaction; returns how many nodes went."""
        deleted = 0
        while True:
            count = self.graph.write("prune_recommendation_lists", before=before, limit=batch)[0]["deleted"]
            deleted += count
            if count < batch:
                return deleted
