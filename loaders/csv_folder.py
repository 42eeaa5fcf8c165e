"""Your own shop's data: a folder of CSV files (UTF-8, a header row, comma-separated).

======================  =====================================================================================
``products.csv``        ``id,name,description,price,imageUrl,brand,category,tags`` (``id`` and ``name``
                        required; ``category`` is an id from ``categories.csv`` or a path such as
                        ``Home > Kitchen``; ``tags`` separated by ``|``), optionally ``currency``: the
                        price's ISO 4217 code (``USD``, ``EUR``...; empty means the load's default,
                        ``shopgraph load --currency``, else the shop's)
``categories.csv``      optional: ``id,name,parentId`` (a tree; roots leave ``parentId`` empty)
``users.csv``           optional: ``id,name,country``; without it the users are those the events name
``events.csv``          optional: ``user_id,product_id,type,value,timestamp,order_id`` (and optionally
                        ``price``); ``type`` is ``view``, ``rate`` (value 1-5), ``like``, ``dislike``,
                        ``cart`` or ``purchase`` (value = quantity, default 1); ``timestamp`` is ISO 8601
                        (UTC unless it says otherwise) or Unix seconds
======================  =====================================================================================

Every row is checked. A row with a problem becomes a ``Rejection`` naming the file, the line and the
problem (``events.csv:7: unknown product: 'P404'``) and is skipped; the good rows still load. A
missing required file or column stops the load with a message saying which.
"""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from shopgraph.loaders import categories as category_paths
from shopgraph.loaders.tables import (
    CATEGORY_COLUMNS,
    EVENT_COLUMNS,
    EVENT_TYPES,
    PRODUCT_COLUMNS,
    USER_COLUMNS,
    Rejection,
    Tables,
    currency_code,
)

REQUIRED_COLUMNS = {
    "products.csv": ("id", "name"),
    "categories.csv": ("id", "name"),
    "users.csv": ("id",),
    "events.csv": ("user_id", "product_id", "type", "timestamp"),
}
_URL_PREFIXES = ("http://", "https://", "/")


@dataclass
class _Row:
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return (self.values.get(column) or "").strip()


@dataclass
class _Reading:
    """The rejections gathered while reading a folder, each naming its file and line."""

    rejected: list[Rejection] = field(default_factory=list)

    def reject(self, file: str, line: int, reason: str) -> None:
        self.rejected.append(Rejection(file, line, reason))


def read_csv_rows(path: Path, reading: _Reading) -> list[_Row]:
    """The data rows of one CSV file with their starting line numbers; rows with the wrong number of
    fields, or bytes that are not UTF-8, are rejected here."""
    name = path.name
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ValueError(f"{name}: the file is empty (expected a header row)") from None
    except csv.Error as error:
        raise ValueError(f"{name}:1: unreadable header ({error})") from None
    columns = [column.strip() for column in header]
    missing = [column for column in REQUIRED_COLUMNS[name] if column not in columns]
    if missing:
        raise ValueError(f"{name}:1: missing column(s) {', '.join(missing)}; the header is {', '.join(columns)}")
    rows: list[_Row] = []
    next_line = reader.line_num + 1
    while True:
        line = next_line
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            reading.reject(name, line, f"malformed CSV: {error}")
            next_line = reader.line_num + 1
            continue
        next_line = reader.line_num + 1
        if not fields or all(not value.strip() for value in fields):
            continue  # blank lines carry nothing
        if len(fields) != len(columns):
            reading.reject(name, line, f"wrong number of fields: expected {len(columns)}, found {len(fields)}")
            continue
        if any("\ufffd" in value for value in fields):
            reading.reject(name, line, "not UTF-8 text: the line holds bytes that are not UTF-8")
            continue
        rows.append(_Row(line, dict(zip(columns, fields, strict=True))))
    return rows


# -- values ---------------------------------------------------------------------------------------
def parse_number(text: str) -> float | None:
    """A finite number, or None when ``text`` is not one."""
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def parse_timestamp(text: str) -> datetime | None:
    """ISO 8601 (naive means UTC) or Unix seconds, as a naive UTC datetime; None when unreadable."""
    text = text.strip()
    if not text:
        return None
    try:
        if text.replace(".", "", 1).isdigit():
            return datetime.fromtimestamp(float(text), tz=UTC).replace(tzinfo=None)
        stamp = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except (ValueError, OverflowError, OSError):
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(UTC).replace(tzinfo=None)
    return stamp


# -- each file ------------------------------------------------------------------------------------
def _categories(rows: list[_Row], reading: _Reading) -> dict[str, dict]:
    """Valid categories by id: unique ids, a name, a parent that is itself valid, no cycles."""
    found: dict[str, dict] = {}
    for row in rows:
        category_id, name = row.get("id"), row.get("name")
        if not category_id:
            reading.reject("categories.csv", row.line, "missing id")
        elif not name:
            reading.reject("categories.csv", row.line, f"missing name: category {category_id!r}")
        elif category_id in found:
            reading.reject("categories.csv", row.line,
                           f"duplicate category id: {category_id!r} (first on line {found[category_id]['line']})")
        else:
            found[category_id] = {"id": category_id, "name": name, "parentId": row.get("parentId") or None,
                                  "line": row.line}
    changed = True
    while changed:  # dropping a category orphans its children, so repeat until nothing changes
        changed = False
        for category in list(found.values()):
            parent = category["parentId"]
            problem = None
            if parent is not None and parent not in found:
                problem = f"unknown parent category: {parent!r}"
            elif parent is not None and _in_cycle(category["id"], found):
                problem = f"category cycle: {category['id']!r} is its own ancestor"
            if problem:
                reading.reject("categories.csv", category["line"], problem)
                del found[category["id"]]
                changed = True
    return found


def _in_cycle(start: str, categories: dict[str, dict]) -> bool:
    seen, current = set(), start
    while current is not None and current in categories:
        if current in seen:
            return True
        seen.add(current)
        current = categories[current]["parentId"]
    return False


def _products(rows: list[_Row], known_categories: dict[str, dict], reading: _Reading
              ) -> tuple[list[dict], set[tuple[str, ...]]]:
    products: dict[str, dict] = {}
    paths: set[tuple[str, ...]] = set()
    for row in rows:
        product_id, name = row.get("id"), row.get("name")
        price_text, image = row.get("price"), row.get("imageUrl")
        price = parse_number(price_text) if price_text else None
        if not product_id:
            reading.reject("products.csv", row.line, "missing id")
            continue
        if not name:
            reading.reject("products.csv", row.line, f"missing name: product {product_id!r}")
            continue
        if product_id in products:
            reading.reject("products.csv", row.line,
                           f"duplicate product id: {product_id!r} (first on line {products[product_id]['line']})")
            continue
        if price_text and (price is None or price < 0):
            reading.reject("products.csv", row.line, f"bad price: {price_text!r} (expected a number >= 0)")
            continue
        if image and not image.lower().startswith(_URL_PREFIXES):
            reading.reject("products.csv", row.line, f"bad imageUrl: {image!r} (expected an http(s) URL or a /path)")
            continue
        currency_text = row.get("currency")
        currency = currency_code(currency_text) if currency_text else None
        if currency_text and currency is None:
            # rejected like a bad price: loaded without its currency, the price would show in the shop's own
            reading.reject("products.csv", row.line,
                           f"bad currency: {currency_text!r} (expected a three-letter ISO 4217 code such as USD)")
            continue
        category_text = row.get("category")
        if not category_text:
            category_id = None
        elif category_text in known_categories:
            category_id = category_text
        else:
            path = tuple(category_paths.split_path(category_text))
            paths.add(path)
            category_id = category_paths.category_id(path)
        products[product_id] = {
            "id": product_id, "name": name, "description": row.get("description") or None,
            "price": price if price is not None else np.nan, "currency": currency, "imageUrl": image or None,
            "brand": row.get("brand") or None, "categoryId": category_id,
            "tags": sorted({tag.strip() for tag in row.get("tags").split("|") if tag.strip()}),
            "line": row.line,
        }
    return list(products.values()), paths


def _users(rows: list[_Row], reading: _Reading) -> dict[str, dict]:
    users: dict[str, dict] = {}
    for row in rows:
        user_id = row.get("id")
        if not user_id:
            reading.reject("users.csv", row.line, "missing id")
        elif user_id in users:
            reading.reject("users.csv", row.line,
                           f"duplicate user id: {user_id!r} (first on line {users[user_id]['line']})")
        else:
            users[user_id] = {"id": user_id, "name": row.get("name") or None,
                              "country": row.get("country") or None, "line": row.line}
    return users


def _event_problem(row: _Row, product_ids: set[str], user_ids: set[str] | None,
                   order_owner: dict[str, str]) -> tuple[str | None, dict]:
    """The reason to reject an event row (None when it is good) and its parsed values."""
    user_id, product_id = row.get("user_id"), row.get("product_id")
    kind, value_text = row.get("type").lower(), row.get("value")
    stamp_text, order_id, price_text = row.get("timestamp"), row.get("order_id"), row.get("price")
    if not user_id:
        return "missing user_id", {}
    if not product_id:
        return "missing product_id", {}
    if kind not in EVENT_TYPES:
        return f"unknown event type: {row.get('type')!r} (expected one of {', '.join(EVENT_TYPES)})", {}
    if product_id not in product_ids:
        return f"unknown product: {product_id!r} is not in products.csv", {}
    if user_ids is not None and user_id not in user_ids:
        return f"unknown user: {user_id!r} is not in users.csv", {}
    if not stamp_text:
        return "missing timestamp", {}
    stamp = parse_timestamp(stamp_text)
    if stamp is None:
        return f"bad timestamp: {stamp_text!r} (expected ISO 8601 such as 2024-05-01T12:30:00Z, or Unix seconds)", {}
    value = parse_number(value_text) if value_text else None
    if kind == "rate":
        if value is None:
            return f"bad rating: {value_text!r} (a rate event needs a value from 1 to 5)", {}
        if not 1 <= value <= 5:
            return f"rating outside 1-5: {value_text!r}", {}
    elif kind in ("purchase", "cart"):
        if value_text and (value is None or value <= 0):
            return f"bad quantity: {value_text!r} (expected a number > 0)", {}
        value = 1.0 if value is None else value
    else:
        value = None  # views, likes and dislikes carry no value
    price = parse_number(price_text) if price_text else None
    if price_text and (price is None or price < 0):
        return f"bad price: {price_text!r} (expected a number >= 0)", {}
    if kind == "purchase" and order_id:
        owner = order_owner.setdefault(order_id, user_id)
        if owner != user_id:
            return f"order of another user: order {order_id!r} belongs to user {owner!r}", {}
    return None, {"user_id": user_id, "product_id": product_id, "type": kind,
                  "value": np.nan if value is None else value, "timestamp": stamp,
                  "order_id": (order_id or None) if kind == "purchase" else None,
                  "price": np.nan if price is None else price}


def _events(rows: list[_Row], product_ids: set[str], user_ids: set[str] | None, reading: _Reading) -> list[dict]:
    events: list[dict] = []
    order_owner: dict[str, str] = {}
    for row in rows:
        problem, event = _event_problem(row, product_ids, user_ids, order_owner)
        if problem:
            reading.reject("events.csv", row.line, problem)
        else:
            events.append(event)
    return events


# -- the folder -----------------------------------------------------------------------------------
def read(path: Path | None = None) -> Tables:
    if path is None:
        raise ValueError("the csv dataset needs --path FOLDER (a folder holding products.csv)")
    folder = Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder (the csv dataset reads a folder of CSV files)")
    if not (folder / "products.csv").exists():
        raise FileNotFoundError(f"{folder} holds no products.csv")
    reading = _Reading()

    def rows_of(name: str) -> list[_Row] | None:
        file = folder / name
        return read_csv_rows(file, reading) if file.exists() else None

    category_rows, user_rows = rows_of("categories.csv"), rows_of("users.csv")
    # products.csv is known to exist (checked above); the other files are optional.
    product_rows, event_rows = read_csv_rows(folder / "products.csv", reading), rows_of("events.csv") or []
    listed = _categories(category_rows or [], reading)
    products, paths = _products(product_rows, listed, reading)
    users = _users(user_rows, reading) if user_rows is not None else None
    events = _events(event_rows, {product["id"] for product in products},
                     set(users) if users is not None else None, reading)

    categories = pd.concat([
        pd.DataFrame([{key: c[key] for key in CATEGORY_COLUMNS} for c in listed.values()], columns=CATEGORY_COLUMNS),
        category_paths.tree(sorted(paths)),
    ], ignore_index=True).drop_duplicates("id")
    event_frame = pd.DataFrame(events, columns=EVENT_COLUMNS)
    event_frame["timestamp"] = pd.to_datetime(event_frame["timestamp"])
    first_seen = (event_frame.groupby("user_id")["timestamp"].min() if len(event_frame)
                  else pd.Series(dtype="datetime64[ns]"))
    if users is None:  # no users.csv: the users are whoever the events name
        users = {user_id: {"id": user_id, "name": None, "country": None} for user_id in sorted(first_seen.index)}
    user_frame = pd.DataFrame([{key: user.get(key) for key in ("id", "name", "country")} for user in users.values()],
                              columns=["id", "name", "country"])
    user_frame["createdAt"] = pd.Series([first_seen.get(user_id, pd.NaT) for user_id in user_frame["id"]],
                                        index=user_frame.index, dtype="datetime64[ns]")
    product_frame = pd.DataFrame(products, columns=[*PRODUCT_COLUMNS, "line"]).drop(columns="line")
    product_frame["categoryIds"] = [[category] if isinstance(category, str) else []
                                    for category in product_frame["categoryId"]]
    product_frame["price"] = product_frame["price"].astype(float)
    product_frame["avgRating"] = np.nan
    product_frame["ratingCount"] = 0
    product_frame["createdAt"] = pd.NaT
    return Tables(
        dataset="csv",
        products=product_frame,
        categories=categories.reset_index(drop=True),
        users=user_frame[USER_COLUMNS],
        events=event_frame,
        rejected=sorted(reading.rejected, key=lambda rejection: (rejection.file, rejection.line or 0)),
    )
