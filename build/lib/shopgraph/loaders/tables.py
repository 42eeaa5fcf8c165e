"""The canonical tables every dataset adapter produces, and the record of rows it rejected.

Adapters turn a source (Online Retail, the Walmart sample, MovieLens, a CSV folder) into these
pandas tables; the writer puts them into the graph and the models read them for offline
evaluation, so both see the same cleaned data.

Columns
-------
products:   id (str), name, description, price (float|NaN),
            currency (str|None: the ISO 4217 code of the price, e.g. ``USD``; None when the source does not
            say, and the shop shows its configured currency), imageUrl, brand, categoryId (str|None, the leaf),
            tags (list[str]), avgRating (float|NaN), ratingCount (int),
            createdAt (Timestamp|NaT, when the product first appeared; optional),
            categoryIds (list[str], optional: every category the product is in, ``categoryId`` first,
            for products in several, e.g. a film in two genres; absent means ``[categoryId]``)
categories: id (str), name, parentId (str|None)      -- a tree; roots have no parent
users:      id (str), name, country, createdAt (Timestamp|NaT)
events:     user_id (str), product_id (str), type (view|rate|like|dislike|cart|purchase),
            value (float: rating for ``rate``, quantity for ``purchase`` and ``cart``, else NaN),
            timestamp (Timestamp), order_id (str|None), price (float|NaN, unit price paid)

Timestamps are timezone-naive UTC (``datetime64``), so every dataset compares the same way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

EVENT_TYPES = ("view", "rate", "like", "dislike", "cart", "purchase")

PRODUCT_COLUMNS = ["id", "name", "description", "price", "currency", "imageUrl", "brand", "categoryId", "tags",
                   "avgRating", "ratingCount", "createdAt", "categoryIds"]
CATEGORY_COLUMNS = ["id", "name", "parentId"]
USER_COLUMNS = ["id", "name", "country", "createdAt"]
EVENT_COLUMNS = ["user_id", "product_id", "type", "value", "timestamp", "order_id", "price"]

_CURRENCY_CODE = re.compile(r"[A-Z]{3}")


def currency_code(text: object) -> str | None:
    """``text`` as an ISO 4217 currency code (three letters, upper-cased: ``usd`` -> ``USD``), or None when it
    is not one. Only the form is checked: a made-up code such as ``XYZ`` passes."""
    if not isinstance(text, str):
        return None
    code = text.strip().upper()
    return code if _CURRENCY_CODE.fullmatch(code) else None


@dataclass(frozen=True)
class Rejection:
    """A source row left out, with where it was and why."""

    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.reason}"


@dataclass
class Tables:
    dataset: str
    products: pd.DataFrame
    categories: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CATEGORY_COLUMNS))
    users: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=USER_COLUMNS))
    events: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=EVENT_COLUMNS))
    rejected: list[Rejection] = field(default_factory=list)

    def purchases(self) -> pd.DataFrame:
        return self.events[self.events["type"] == "purchase"]
