"""A profiled Neo4j plan as a table: one operator a line, indented as the plan nests, with the rows it produced
and the database hits it cost, and the totals under it -- what ``shopgraph cypher --profile`` prints."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

DETAILS_WIDTH = 70


def _operators(plan: dict[str, Any], depth: int = 0) -> Iterator[tuple[int, dict[str, Any]]]:
    yield depth, plan
    for child in plan.get("children") or []:
        yield from _operators(child, depth + 1)


def _name(operator: dict[str, Any]) -> str:
    return str(operator.get("operatorType", "?")).split("@")[0]


def _details(operator: dict[str, Any]) -> str:
    text = " ".join(str((operator.get("args") or {}).get("Details", "")).split())
    return text if len(text) <= DETAILS_WIDTH else text[:DETAILS_WIDTH - 1] + "…"


def plan_table(plan: dict[str, Any] | None) -> str:
    """The plan as text; the operators that cost most database hits stand out by their numbers, read top down
    as Neo4j reads a plan bottom up (the first line produces the results)."""
    if not plan:
        return "(Neo4j returned no plan)"
    lines = [(f"{'  ' * depth}{_name(operator)}", operator.get("rows", 0), operator.get("dbHits", 0),
              _details(operator)) for depth, operator in _operators(plan)]
    width = max(len("operator"), *(len(name) for name, *_ in lines))
    out = [f"{'operator':<{width}}  {'rows':>9}  {'db hits':>10}  details"]
    out += [f"{name:<{width}}  {rows:>9,}  {hits:>10,}  {details}" for name, rows, hits, details in lines]
    total = sum(hits for _, _, hits, _ in lines)
    args = plan.get("args") or {}
    out.append(f"total: {total:,} db hits; planner {args.get('planner', '?')}, runtime {args.get('runtime', '?')}")
    return "\n".join(out)
