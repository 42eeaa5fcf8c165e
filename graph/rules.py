"""Merchandiser rules in the graph: pin, boost, bury or exclude a product, a category or a brand.

A rule is ``(:Rule {id, kind, weight, active, startsAt, endsAt, createdAt, note})-[:TARGETS]->(target)``,
where the target is a ``Product`` (by id), a ``Category`` (by id; it covers every category below it) or a
``Brand`` (by name). ``check_rule`` turns what a merchandiser typed (a form or a JSON body) into a
``RuleDraft`` or raises ``InvalidRule`` naming the field at fault; ``Rules`` stores, lists, switches and
deletes rules, and reads the ones in force as ``ActiveRule`` values for ``models.merch_rules``.

What the kinds do to a list is ``models.merch_rules``' business; the weights mean:

- ``pin``: the order among pinned products (higher first); a pin puts its products at the very top.
- ``boost`` / ``bury``: how far to move a product, as a share of the list's score range (1 lifts a product
  above, or drops it below, every product the rule does not touch).
- ``exclude``: no weight (0).
"""
from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from shopgraph.graph.db import Graph
from shopgraph.graph.records import plain

KINDS = ("pin", "boost", "bury", "exclude")
TARGET_TYPES = ("product", "category", "brand")
DEFAULT_WEIGHTS = {"pin": 1.0, "boost": 0.5, "bury": 0.5, "exclude": 0.0}
MAX_WEIGHT = 100.0
MAX_TARGET_LENGTH = 200
MAX_NOTE_LENGTH = 200
#: How many products a pin on a category or brand puts on top when the list lacks them.
PIN_LIMIT = 3


class InvalidRule(ValueError):
    """A rule that cannot be stored; ``field`` names the part at fault (the API's field name)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


class UnknownTarget(InvalidRule):
    """The product, category or brand a rule names is not in the graph."""


@dataclass(frozen=True)
class RuleDraft:
    """A checked rule, ready to store."""

    kind: str
    target_type: str
    target_id: str
    weight: float
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    note: str | None = None


@dataclass(frozen=True)
class ActiveRule:
    """A rule in force, resolved to the products it covers (``products``) and, for a pin, the products it
    puts on top when a list lacks them (``pinned``, best-selling first)."""

    id: str
    kind: str
    weight: float
    products: frozenset[str]
    pinned: tuple[str, ...] = ()


def check_rule(kind: Any, target_type: Any, target_id: Any, weight: Any = None, starts_at: Any = None,
               ends_at: Any = None, note: Any = None) -> RuleDraft:
    """The rule as a ``RuleDraft``; raises ``InvalidRule`` for the first field that is wrong.

    ``weight`` may be a number or text (a form field); empty means the kind's default. Dates may be
    datetimes, dates or ISO 8601 text ("2024-12-01" or "2024-12-01T09:00:00+00:00"); a date alone
    means midnight UTC, and a time without a zone is taken as UTC. ``ends_at`` must be after ``starts_at``.
    """
    if kind not in KINDS:
        raise InvalidRule("kind", f"kind must be one of {', '.join(KINDS)}")
    if target_type not in TARGET_TYPES:
        raise InvalidRule("target_type", f"target_type must be one of {', '.join(TARGET_TYPES)}")
    if not isinstance(target_id, str) or not target_id.strip():
        raise InvalidRule("target_id", f"target_id must name a {target_type} "
                                       f"({'its name' if target_type == 'brand' else 'its id'})")
    target_id = target_id.strip()
    if len(target_id) > MAX_TARGET_LENGTH:
        raise InvalidRule("target_id", f"target_id must be at most {MAX_TARGET_LENGTH} characters")
    starts, ends = _moment("starts_at", starts_at), _moment("ends_at", ends_at)
    if starts is not None and ends is not None and ends <= starts:
        raise InvalidRule("ends_at", f"ends_at ({ends.isoformat()}) must be after starts_at ({starts.isoformat()})")
    if note is not None and not isinstance(note, str):
        raise InvalidRule("note", "note must be text")
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE_LENGTH:
        raise InvalidRule("note", f"note must be at most {MAX_NOTE_LENGTH} characters")
    return RuleDraft(kind, target_type, target_id, _weight(kind, weight), starts, ends, note)


def _weight(kind: str, value: Any) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_WEIGHTS[kind]
    if isinstance(value, bool):
        raise InvalidRule("weight", "weight must be a number")
    try:
        weight = float(value)
    except (TypeError, ValueError):
        raise InvalidRule("weight", f"weight must be a number, not {value!r}") from None
    if not math.isfinite(weight):
        raise InvalidRule("weight", "weight must be a finite number")
    if weight < 0:
        raise InvalidRule("weight", f"weight must not be negative (got {weight:g}); to push products down, "
                                    "use a bury rule with a positive weight")
    if weight > MAX_WEIGHT:
        raise InvalidRule("weight", f"weight must be at most {MAX_WEIGHT:g}")
    return weight


def _moment(field: str, value: Any) -> datetime | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, str):
        text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidRule(field, f"{field} must be a date or time in ISO 8601, e.g. 2024-12-01 or "
                                     f"2024-12-01T09:00:00Z (got {value!r})") from None
    else:
        raise InvalidRule(field, f"{field} must be a date or time in ISO 8601, e.g. 2024-12-01")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _as_json_names(rule: dict[str, Any]) -> dict[str, Any]:
    """A rule row in the API's words (snake_case, the target as one object)."""
    return {
        "id": rule["id"], "kind": rule["kind"], "weight": rule.get("weight"), "active": bool(rule.get("active")),
        "starts_at": rule.get("startsAt"), "ends_at": rule.get("endsAt"), "created_at": rule.get("createdAt"),
        "note": rule.get("note"),
        "target": {"type": rule.get("targetKind"), "id": rule.get("target"), "name": rule.get("targetName")},
    }


class Rules:
    """The merchandiser rules stored in the graph. Rows come back as plain dicts (see ``_as_json_names``):
    ``id, kind, weight, active, starts_at, ends_at, created_at, note, target {type, id, name}``."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def create(self, draft: RuleDraft) -> dict[str, Any]:
        """Stores a checked rule, switched on; raises ``UnknownTarget`` when its target does not exist."""
        rows = self.graph.write("create_rule", ruleId=f"r-{secrets.token_hex(5)}", kind=draft.kind,
                                weight=draft.weight, targetKind=draft.target_type, target=draft.target_id,
                                startsAt=draft.starts_at, endsAt=draft.ends_at, note=draft.note)
        if not rows:
            what = {"product": "product", "category": "category", "brand": "brand"}[draft.target_type]
            raise UnknownTarget("target_id", f"There is no {what} {draft.target_id!r}.")
        return _as_json_names(plain(rows[0]["rule"]))

    def all(self) -> list[dict[str, Any]]:
        return [_as_json_names(plain(row["rule"])) for row in self.graph.read("rules")]

    def get(self, rule_id: str) -> dict[str, Any] | None:
        row = self.graph.read_one("rule_by_id", ruleId=rule_id)
        return _as_json_names(plain(row["rule"])) if row else None

    def set_active(self, rule_id: str, active: bool) -> dict[str, Any] | None:
        """Switches a rule on or off; the rule afterwards, or None when there is no such rule."""
        if not self.graph.write("set_rule_active", ruleId=rule_id, active=bool(active)):
            return None
        return self.get(rule_id)

    def delete(self, rule_id: str) -> bool:
        return self.graph.write("delete_rule", ruleId=rule_id)[0]["deleted"] > 0

    def active(self, now: datetime | None = None, pin_limit: int = PIN_LIMIT) -> list[ActiveRule]:
        """The rules in force at ``now`` (default: this moment), oldest first, resolved to their products."""
        now = now or datetime.now(UTC)
        rows = self.graph.read("active_rules", now=now, pinLimit=pin_limit)
        return [ActiveRule(row["ruleId"], row["kind"], float(row["weight"] or 0.0), frozenset(row["productIds"]),
                           tuple(row["pinned"])) for row in rows]
