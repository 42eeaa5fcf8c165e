"""Category trees from category paths such as ``Beauty > Hair Care > Hair Color``.

A category's id is the slug of its whole path (``beauty--hair-care--hair-color``), so the same path
always gets the same id: reloading a dataset finds the categories it made before, and the id is safe
in a URL (``/categories/<id>``).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

import pandas as pd

from shopgraph.loaders.tables import CATEGORY_COLUMNS

PATH_SEPARATOR = " > "
_LEVEL_SEPARATOR = "--"


def slug(text: str) -> str:
    """``"Children's Toys & Games"`` -> ``"childrens-toys-games"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"['\u2019]", "", ascii_text.lower())
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "unnamed"


def split_path(text: str) -> list[str]:
    """The levels of a ``A > B > C`` path, blanks dropped."""
    return [part.strip() for part in str(text).split(">") if part.strip()]


def category_id(path: Sequence[str]) -> str:
    return _LEVEL_SEPARATOR.join(slug(level) for level in path)


def tree(paths: Iterable[Sequence[str]]) -> pd.DataFrame:
    """The categories table (id, name, parentId) holding every path and all their ancestors."""
    rows: dict[str, dict] = {}
    for path in paths:
        parent = None
        for depth in range(1, len(path) + 1):
            node = category_id(path[:depth])
            rows.setdefault(node, {"id": node, "name": path[depth - 1], "parentId": parent})
            parent = node
    return pd.DataFrame(list(rows.values()), columns=CATEGORY_COLUMNS)


def path_texts(categories: pd.DataFrame) -> dict[str, str]:
    """Each category id -> the readable path from its root, e.g. ``"Home & Kitchen > Mugs & Cups"``."""
    name = dict(zip(categories["id"], categories["name"], strict=True))
    parent = dict(zip(categories["id"], categories["parentId"], strict=True))
    texts: dict[str, str] = {}
    for node in name:
        levels, seen, current = [], set(), node
        while current in name and current not in seen:  # `seen` guards against a cycle in user data
            seen.add(current)
            levels.append(str(name[current]))
            current = parent.get(current)
            current = current if isinstance(current, str) else None
        texts[node] = PATH_SEPARATOR.join(reversed(levels))
    return texts
