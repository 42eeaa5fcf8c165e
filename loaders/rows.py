"""Canonical tables -> the parameter rows of the ``cypher/load_*.cypher`` statements.

Everything that can be worked out before touching the graph is worked out here, in pandas: the
category path of each product, the lines of each order, the per-user roll-ups. The statements then
only find nodes by key, MERGE (or CREATE) edges and SET values, so a batch never scans and a rerun
writes the same values again.

Timestamps travel as epoch milliseconds (the statements turn them into ``datetime``); missing values
travel as ``None``, never NaN.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from shopgraph.loaders import categories as category_paths
from shopgraph.loaders.tables import Tables

Row = dict[str, Any]


def epoch_millis(column: pd.Series) -> pd.Series:
    """Timestamps (naive UTC) as epoch milliseconds in an object column, None where missing."""
    stamps = pd.to_datetime(pd.Series(column))
    present = stamps.notna()
    millis = stamps.where(present, pd.Timestamp(0)).astype("datetime64[ms]").astype("int64")
    return millis.astype(object).where(present, None)


def records(frame: pd.DataFrame) -> list[Row]:
    """Plain dicts with ``None`` for NaN/NaT, ready to send to Neo4j."""
    plain = frame.astype(object)
    return plain.where(frame.notna(), None).to_dict("records")


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def nest(frame: pd.DataFrame, key: str, lists: dict[str, str]) -> list[tuple[Any, Row]]:
    """``(key value, {list name: that key's values of a column})`` for each ``key`` value of ``frame``,
    in key order, so a statement can take one parent and all its edges in one row.

    The edges travel as parallel lists (``{'productIds': [...], 'quantities': [...]}``) rather than
    a map per edge: building, sending and decoding lists costs a fraction of as many small maps."""
    frame = frame.sort_values(key, kind="stable")
    keys = frame[key].to_numpy()
    if not len(keys):
        return []
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]).tolist()
    ends = starts[1:] + [len(keys)]
    values = {name: _plain(frame[column]) for name, column in lists.items()}
    return [(keys[start], {name: column[start:end] for name, column in values.items()})
            for start, end in zip(starts, ends, strict=True)]


def _plain(column: pd.Series) -> list[Any]:
    """A column's values as a list, ``None`` where missing."""
    if not column.hasnans:
        return column.tolist()
    return [None if _is_missing(value) else value for value in column.tolist()]


# -- catalogue ----------------------------------------------------------------------------------
def category_rows(tables: Tables) -> tuple[list[Row], list[Row]]:
    """(categories to MERGE, child -> parent links)."""
    categories = tables.categories
    nodes = records(categories[["id", "name"]])
    links = records(categories.loc[categories["parentId"].notna(), ["id", "parentId"]])
    return nodes, links


def product_category_ids(products: pd.DataFrame) -> list[list[str]]:
    """Every product's categories: ``categoryIds`` where given, else its single ``categoryId``."""
    listed = products["categoryIds"] if "categoryIds" in products.columns else pd.Series([None] * len(products))
    single = products["categoryId"] if "categoryId" in products.columns else pd.Series([None] * len(products))
    result = []
    for many, one in zip(listed, single, strict=True):
        if isinstance(many, (list, tuple, np.ndarray)) and len(many):
            result.append([str(category) for category in many])
        else:
            result.append([] if _is_missing(one) else [str(one)])
    return result


def product_rows(tables: Tables) -> list[Row]:
    products = tables.products
    paths = category_paths.path_texts(tables.categories) if len(tables.categories) else {}
    category_ids = product_category_ids(products)
    frame = pd.DataFrame({
        "id": products["id"].astype(str),
        "name": products["name"],
        "description": products.get("description"),
        "price": pd.to_numeric(products.get("price"), errors="coerce"),
        "currency": products.get("currency"),  # absent in tables made before products had one
        "imageUrl": products.get("imageUrl"),
        "brand": products.get("brand"),
    })
    rows = records(frame)
    ratings = pd.to_numeric(products.get("avgRating", pd.Series(np.nan, index=products.index)), errors="coerce")
    counts = pd.to_numeric(products.get("ratingCount", pd.Series(0, index=products.index)), errors="coerce")
    created = epoch_millis(products["createdAt"]) if "createdAt" in products.columns else [None] * len(rows)
    tags = products["tags"] if "tags" in products.columns else [[]] * len(rows)
    for row, ids, rating, count, created_at, tag_list in zip(rows, category_ids, ratings, counts, created, tags,
                                                             strict=True):
        row["categoryIds"] = ids
        row["categoryPath"] = "; ".join(paths.get(category, category) for category in ids) or None
        # Send a rating only when the source has one, so ratings gathered in the shop survive a reload.
        has_rating = not np.isnan(rating) or (not np.isnan(count) and count > 0)
        row["avgRating"] = None if np.isnan(rating) else float(rating)
        row["ratingCount"] = (0 if np.isnan(count) else int(count)) if has_rating else None
        row["createdAt"] = created_at
        row["tags"] = sorted({str(tag) for tag in tag_list}) if isinstance(tag_list, (list, tuple, np.ndarray)) else []
        if row["brand"] is not None:
            row["brand"] = str(row["brand"])
    return rows


def user_rows(tables: Tables) -> list[Row]:
    users = tables.users
    frame = pd.DataFrame({
        "id": users["id"].astype(str),
        "name": users["name"],
        "country": users["country"],
        "createdAt": epoch_millis(users["createdAt"]) if len(users) else pd.Series(dtype=object),
    })
    return records(frame)


# -- interactions -------------------------------------------------------------------------------
def _of_type(tables: Tables, kind: str) -> pd.DataFrame:
    events = tables.events
    return events[events["type"] == kind]


def order_ids(purchases: pd.DataFrame) -> pd.Series:
    """The order of each purchase line: its ``order_id``, or for a purchase without one, the user's
    purchases at that moment (``user@timestamp``), which a rerun names the same way."""
    given = purchases["order_id"].astype(object)
    missing = given.isna() | (given.astype(str) == "")
    if missing.any():
        unnamed = purchases[missing]
        given = given.copy()
        given[missing] = (unnamed["user_id"].astype(str) + "@"
                          + pd.to_datetime(unnamed["timestamp"]).dt.strftime("%Y-%m-%dT%H:%M:%S"))
    return given.astype(str)


def order_rows(tables: Tables) -> list[Row]:
    """One row per shopper with their orders, each order with its lines; repeated lines of a product in
    an order are added up (quantity summed, price the quantity-weighted mean, so the order's total is
    unchanged). A line without a price paid gets the product's catalogue price."""
    purchases = _of_type(tables, "purchase")
    if purchases.empty:
        return []
    lines = pd.DataFrame({
        "order": order_ids(purchases).to_numpy(),
        "user": purchases["user_id"].astype(str).to_numpy(),
        "product": purchases["product_id"].astype(str).to_numpy(),
        "quantity": purchases["value"].fillna(1.0).to_numpy(dtype=float),
        "price": purchases["price"].to_numpy(dtype=float),
        "at": pd.to_datetime(purchases["timestamp"]).to_numpy(),
    })
    # a purchase without a price paid was bought at the catalogue price
    catalogue = pd.to_numeric(tables.products.set_index(tables.products["id"].astype(str))["price"], errors="coerce")
    lines["price"] = lines["price"].fillna(lines["product"].map(catalogue))
    lines["spent"] = lines["quantity"] * lines["price"]
    per_product = (
        lines.groupby(["order", "product"], sort=True)
        .agg(quantity=("quantity", "sum"), spent=("spent", "sum"), priced=("price", "count"))
        .reset_index()
    )
    # a quantity-weighted mean only where the source gave prices
    per_product["price"] = (per_product["spent"] / per_product["quantity"]).where(per_product["priced"] > 0)
    lines_of = nest(per_product, "order", {"productIds": "product", "quantities": "quantity", "prices": "price"})
    orders = (lines.groupby("order").agg(user=("user", "first"), at=("at", "min"))
              .reindex([order_id for order_id, _ in lines_of]))  # row for row with lines_of
    placed = pd.DataFrame({
        "user": orders["user"].to_numpy(),
        "at": orders["at"].to_numpy(),
        "order": [{"id": order_id, "at": at, **order_lines}
                  for (order_id, order_lines), at in zip(lines_of, epoch_millis(orders["at"]).tolist(), strict=True)],
    })
    # A shopper's orders travel in one row, so batches written at the same time share no shopper:
    # each transaction adding PLACED edges locks its shoppers until it commits, and a batch that
    # began with the previous batch's last shopper waited for that whole batch.
    placed = placed.sort_values(["user", "at"], kind="stable")
    return [{"userId": user, **shopper_orders} for user, shopper_orders in nest(placed, "user", {"orders": "order"})]


def purchased_rows(tables: Tables) -> list[Row]:
    """The user-level roll-up, one row per user: number of orders, total quantity and latest time of
    each product they bought."""
    purchases = _of_type(tables, "purchase")
    if purchases.empty:
        return []
    frame = pd.DataFrame({
        "userId": purchases["user_id"].astype(str).to_numpy(),
        "productId": purchases["product_id"].astype(str).to_numpy(),
        "order": pd.factorize(order_ids(purchases))[0],  # integers count distinct faster than text
        "quantity": purchases["value"].fillna(1.0).to_numpy(dtype=float),
        "at": pd.to_datetime(purchases["timestamp"]).to_numpy(),
    })
    rolled = (
        frame.groupby(["userId", "productId"], sort=True)
        .agg(count=("order", "nunique"), quantity=("quantity", "sum"), at=("at", "max"))
        .reset_index()
    )
    rolled["at"] = epoch_millis(rolled["at"])
    lists = {"productIds": "productId", "counts": "count", "quantities": "quantity", "ats": "at"}
    return [{"userId": user, **items} for user, items in nest(rolled, "userId", lists)]


def _latest_per_pair(events: pd.DataFrame) -> pd.DataFrame:
    ordered = events.sort_values("timestamp", kind="stable")
    return ordered.groupby(["user_id", "product_id"], sort=True).tail(1)


def _pair_frame(events: pd.DataFrame, **columns: Any) -> pd.DataFrame:
    frame = pd.DataFrame({
        "userId": events["user_id"].astype(str).to_numpy(),
        "productId": events["product_id"].astype(str).to_numpy(),
        **columns,
    })
    return frame


def rated_rows(tables: Tables) -> list[Row]:
    """Each user's latest rating of each product, one row per user."""
    latest = _latest_per_pair(_of_type(tables, "rate"))
    frame = _pair_frame(latest, rating=latest["value"].to_numpy(dtype=float),
                        at=epoch_millis(latest["timestamp"]).to_numpy())
    return [{"userId": user, **items}
            for user, items in nest(frame, "userId", {"productIds": "productId", "ratings": "rating", "ats": "at"})]


def viewed_rows(tables: Tables) -> list[Row]:
    views = _of_type(tables, "view")
    rolled = (
        _pair_frame(views, at=pd.to_datetime(views["timestamp"]).to_numpy())
        .groupby(["userId", "productId"], sort=True)
        .agg(count=("at", "size"), at=("at", "max"))
        .reset_index()
    )
    rolled["at"] = epoch_millis(rolled["at"])
    return records(rolled)


def cart_rows(tables: Tables) -> list[Row]:
    carts = _of_type(tables, "cart")
    rolled = (
        _pair_frame(carts, quantity=carts["value"].fillna(1.0).to_numpy(dtype=float),
                    at=pd.to_datetime(carts["timestamp"]).to_numpy())
        .groupby(["userId", "productId"], sort=True)
        .agg(quantity=("quantity", "sum"), at=("at", "max"))
        .reset_index()
    )
    rolled["at"] = epoch_millis(rolled["at"])
    return records(rolled)


def opinion_rows(tables: Tables) -> tuple[list[Row], list[Row]]:
    """(likes, dislikes): for each user and product only the latest opinion counts."""
    events = tables.events
    opinions = _latest_per_pair(events[events["type"].isin(["like", "dislike"])])
    frame = _pair_frame(opinions, kind=opinions["type"].to_numpy(), at=epoch_millis(opinions["timestamp"]).to_numpy())
    likes = frame[frame["kind"] == "like"].drop(columns="kind")
    dislikes = frame[frame["kind"] == "dislike"].drop(columns="kind")
    return records(likes), records(dislikes)
