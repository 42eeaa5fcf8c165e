"""Rows as plain Python data: the driver's temporal types become ``datetime``/``date`` values.

Repositories hand their rows through ``plain`` so that callers (templates, JSON, models) never see a
``neo4j.time`` object.
"""
from __future__ import annotations

from typing import Any

from neo4j.time import Date, DateTime, Duration, Time


def plain(value: Any) -> Any:
    """The same structure with every Neo4j temporal value converted to its Python counterpart."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, (DateTime, Date, Time)):
        return value.to_native()
    if isinstance(value, Duration):
        return value.seconds + value.days * 86400 + value.months * 2_629_746
    return value
