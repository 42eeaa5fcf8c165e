"""What the models learn from: who interacted with which product, as integers and sparse matrices.

``Interactions`` owns the id <-> index maps (after lightfm's ``Dataset``), so every recommender sees
integers only: users are rows, products are columns. It is built from the loaders' canonical tables
(offline evaluation) or read from the graph (``interactions_from_graph``, what ``shopgraph train``
uses), and both paths give the same structure.

A (user, product) pair's weight is the sum of its events' weights (``EVENT_WEIGHTS``): a purchase
counts once per order it appears in, any other event once. Dislikes carry no weight; they are kept
apart in ``disliked`` so nothing recommends them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse as sp

#: How much one event says the shopper wants the product. Every rating counts as a positive, as in
#: the MovieLens protocol (docs/evaluation.md); a cart or a view is a weaker sign than a purchase.
EVENT_WEIGHTS = {"purchase": 1.0, "rate": 1.0, "like": 1.0, "cart": 0.5, "view": 0.2}

CATALOG_COLUMNS = ["id", "name", "description", "brand", "categoryPath", "category", "tags", "price"]


@dataclass
class Interactions:
    """Users x products: index maps, the catalogue in index order, the events and their matrix.

    ``events`` has integer ``user``/``product`` columns (indices into ``user_ids``/``product_ids``),
    ``type``, ``timestamp`` (UTC-naive pandas timestamps), ``order_id``, ``value`` and ``price``.
    ``catalog`` has one row per product in index order with CATALOG_COLUMNS.
    """

    user_ids: np.ndarray
    product_ids: np.ndarray
    catalog: pd.DataFrame
    events: pd.DataFrame
    disliked: sp.csr_matrix = field(default=None)

    def __post_init__(self) -> None:
        self.user_ids = np.asarray(self.user_ids, dtype=object)
        self.product_ids = np.asarray(self.product_ids, dtype=object)
        if self.disliked is None:
            self.disliked = sp.csr_matrix((self.n_users, self.n_products), dtype=np.float32)

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def from_events(
        cls,
        events: pd.DataFrame,
        products: pd.DataFrame,
        categories: pd.DataFrame | None = None,
        product_ids: list[str] | np.ndarray | None = None,
        user_ids: list[str] | np.ndarray | None = None,
    ) -> Interactions:
        """Index canonical events (``loaders.tables`` columns) against a product universe.

        ``product_ids`` fixes the products and their order (default: every product some event
        names, sorted); ``user_ids`` likewise for users. Events naming products or users outside
        the universe are left out, so a split's parts can share one set of indices.
        """
        events = events[events["type"].isin([*EVENT_WEIGHTS, "dislike"])]
        if product_ids is None:
            product_ids = np.sort(events["product_id"].astype(str).unique())
        if user_ids is None:
            user_ids = np.sort(events["user_id"].astype(str).unique())
        product_ids = np.asarray(product_ids, dtype=object)
        user_ids = np.asarray(user_ids, dtype=object)
        catalog = build_catalog(products, categories, product_ids)
        indexed = _index_events(events, user_ids, product_ids)
        positive = indexed[indexed["type"] != "dislike"].reset_index(drop=True)
        dislikes = indexed[indexed["type"] == "dislike"]
        disliked = sp.csr_matrix(
            (np.ones(len(dislikes), dtype=np.float32), (dislikes["user"], dislikes["product"])),
            shape=(len(user_ids), len(product_ids)),
        )
        disliked.data[:] = 1.0
        return cls(user_ids, product_ids, catalog, positive, disliked)

    @classmethod
    def from_tables(cls, tables, **kwargs) -> Interactions:
        """From a loader's ``Tables`` (``loaders.read(dataset)``)."""
        return cls.from_events(tables.events, tables.products, tables.categories, **kwargs)

    def with_events(self, events: pd.DataFrame) -> Interactions:
        """The same users, products and catalogue with another set of (already indexed) events.

        Splits use it: a training part and the full data share indices, so a model fitted on one
        scores products of the other.
        """
        return Interactions(self.user_ids, self.product_ids, self.catalog, events.reset_index(drop=True),
                            self.disliked)

    # -- shape and maps ----------------------------------------------------------------------
    @property
    def n_users(self) -> int:
        return len(self.user_ids)

    @property
    def n_products(self) -> int:
        return len(self.product_ids)

    @cached_property
    def user_index(self) -> dict[str, int]:
        return {user: i for i, user in enumerate(self.user_ids)}

    @cached_property
    def product_index(self) -> dict[str, int]:
        return {product: i for i, product in enumerate(self.product_ids)}

    # -- matrices ----------------------------------------------------------------------------
    @cached_property
    def matrix(self) -> sp.csr_matrix:
        """Users x products, float32: the summed event weights (purchases once per order)."""
        return _weights(self.events, self.n_users, self.n_products)

    @cached_property
    def binary(self) -> sp.csr_matrix:
        """Users x products, 1.0 wherever the user showed any interest."""
        binary = self.matrix.copy()
        binary.data[:] = 1.0
        return binary

    @cached_property
    def orders(self) -> sp.csr_matrix:
        """Users x products: in how many orders the user bought the product (0 when never)."""
        return _weights(self.events[self.events["type"] == "purchase"], self.n_users, self.n_products,
                        weights={"purchase": 1.0})

    @cached_property
    def reference_time(self) -> pd.Timestamp:
        """'Now' for this data: the last event's time (so features do not depend on the wall clock)."""
        if self.events.empty:
            return pd.Timestamp("1970-01-01")
        return pd.Timestamp(self.events["timestamp"].max())

    def history_sizes(self) -> np.ndarray:
        """Distinct products each user interacted with."""
        return np.diff(self.binary.indptr).astype(np.int64)

    def active_users(self) -> np.ndarray:
        """Indices of users with at least one interaction."""
        return np.flatnonzero(self.history_sizes() > 0)


def build_catalog(products: pd.DataFrame, categories: pd.DataFrame | None, product_ids) -> pd.DataFrame:
    """One row per product id in ``product_ids`` order, with the text the content model reads.

    ``categoryPath`` is the names from the root to the product's leaf category ("Home > Kitchen"),
    several joined by " | " for a product in several categories; ``category`` is the first path's
    root name (the coarse grouping used for category affinity and diversity).
    Products missing from ``products`` get empty text.
    """
    paths = category_paths(categories)
    frame = products.copy()
    frame["id"] = frame["id"].astype(str)
    frame = frame.drop_duplicates("id").set_index("id")
    frame = frame.reindex(pd.Index(product_ids, name="id"))
    path_lists = [[paths.get(c, []) for c in ids] for ids in _category_ids(frame)]
    tags = frame["tags"] if "tags" in frame else pd.Series(None, index=frame.index)
    catalog = pd.DataFrame({
        "id": np.asarray(product_ids, dtype=object),
        "name": _text(frame.get("name"), len(frame)),
        "description": _text(frame.get("description"), len(frame)),
        "brand": _text(frame.get("brand"), len(frame)),
        "categoryPath": [" | ".join(" > ".join(path) for path in paths_of if path) for paths_of in path_lists],
        "category": [paths_of[0][0] if paths_of and paths_of[0] else "" for paths_of in path_lists],
        "tags": [list(t) if isinstance(t, (list, tuple, np.ndarray)) else [] for t in tags],
        "price": pd.to_numeric(frame["price"], errors="coerce").to_numpy(dtype=float)
        if "price" in frame else np.full(len(frame), np.nan),
    })
    return catalog


def _category_ids(frame: pd.DataFrame) -> list[list[str]]:
    """Each product's categories, its leaf ``categoryId`` first (``categoryIds`` when the table has it)."""
    leaf = frame["categoryId"] if "categoryId" in frame else pd.Series(None, index=frame.index)
    many = frame["categoryIds"] if "categoryIds" in frame else pd.Series(None, index=frame.index)
    result = []
    for one, several in zip(leaf, many, strict=True):
        ids = [str(c) for c in several] if isinstance(several, (list, tuple, np.ndarray)) else []
        if isinstance(one, str) and one not in ids:
            ids.insert(0, one)
        result.append(ids)
    return result


def category_paths(categories: pd.DataFrame | None) -> dict[str, list[str]]:
    """Category id -> names from the root down to it; cycles and dangling parents end the walk."""
    if categories is None or categories.empty:
        return {}
    names = {str(row.id): str(row.name) for row in categories.itertuples()}
    parents = {str(row.id): (str(row.parentId) if isinstance(row.parentId, str) or pd.notna(row.parentId)
                             else None) for row in categories.itertuples()}
    paths: dict[str, list[str]] = {}
    for category in names:
        path: list[str] = []
        seen: set[str] = set()
        node: str | None = category
        while node is not None and node in names and node not in seen:
            seen.add(node)
            path.append(names[node])
            node = parents.get(node)
        paths[category] = path[::-1]
    return paths


def _text(column, length: int) -> list[str]:
    if column is None:
        return [""] * length
    return [value if isinstance(value, str) else "" for value in column]


def _index_events(events: pd.DataFrame, user_ids: np.ndarray, product_ids: np.ndarray) -> pd.DataFrame:
    users = pd.Index(user_ids)
    products = pd.Index(product_ids)
    user = users.get_indexer(events["user_id"].astype(str))
    product = products.get_indexer(events["product_id"].astype(str))
    keep = (user >= 0) & (product >= 0)
    chosen = events[keep]
    frame = pd.DataFrame({
        "user": user[keep].astype(np.int32),
        "product": product[keep].astype(np.int32),
        "type": chosen["type"].astype(str).to_numpy(),
        # Naive times are taken as UTC (the loaders' convention); aware ones are converted to it.
        "timestamp": pd.to_datetime(chosen["timestamp"], utc=True).dt.tz_localize(None),
        "order_id": chosen["order_id"].to_numpy() if "order_id" in chosen else None,
        "value": pd.to_numeric(chosen["value"], errors="coerce").to_numpy() if "value" in chosen else np.nan,
        "price": pd.to_numeric(chosen["price"], errors="coerce").to_numpy() if "price" in chosen else np.nan,
    })
    return frame.reset_index(drop=True)


def _weights(events: pd.DataFrame, n_users: int, n_products: int,
             weights: dict[str, float] = EVENT_WEIGHTS) -> sp.csr_matrix:
    """Sum of event weights per (user, product); a purchase counts once per distinct order."""
    events = events[events["type"].isin(list(weights))]
    if events.empty:
        return sp.csr_matrix((n_users, n_products), dtype=np.float32)
    purchases = events[events["type"] == "purchase"]
    # Lines of one order are one purchase; purchases without an order id each count.
    with_order = purchases[purchases["order_id"].notna()].drop_duplicates(["user", "product", "order_id"])
    purchases = pd.concat([with_order, purchases[purchases["order_id"].isna()]])
    others = events[events["type"] != "purchase"].drop_duplicates(["user", "product", "type"])
    rows = pd.concat([purchases[["user", "product", "type"]], others[["user", "product", "type"]]])
    values = rows["type"].map(weights).to_numpy(dtype=np.float32)
    matrix = sp.csr_matrix((values, (rows["user"].to_numpy(), rows["product"].to_numpy())),
                           shape=(n_users, n_products), dtype=np.float32)
    matrix.sum_duplicates()
    matrix.sort_indices()
    return matrix


def interactions_from_graph(graph, product_universe: str = "catalog") -> Interactions:
    """The shop's interactions as the models see them, read from the graph with named queries.

    Reads ``cypher/training_interactions.cypher`` (purchases per order, ratings, likes, dislikes,
    carts, views), ``cypher/training_catalog.cypher`` (every product with its text, price, leaf
    category, brand and tags) and ``cypher/training_categories.cypher`` (the category tree).
    ``product_universe="catalog"`` keeps every product, bought or not, so a product nobody bought
    yet still gets content neighbours.
    """
    events = pd.DataFrame(graph.read("training_interactions"),
                          columns=["user_id", "product_id", "type", "value", "timestamp", "order_id", "price"])
    products = pd.DataFrame(graph.read("training_catalog"),
                            columns=["id", "name", "description", "price", "brand", "categoryId", "categoryIds",
                                     "tags"])
    categories = pd.DataFrame(graph.read("training_categories"), columns=["id", "name", "parentId"])
    events["timestamp"] = pd.to_datetime([_as_datetime(t) for t in events["timestamp"]], utc=True)
    events["timestamp"] = events["timestamp"].dt.tz_localize(None)
    events["value"] = pd.to_numeric(events["value"], errors="coerce")
    events["price"] = pd.to_numeric(events["price"], errors="coerce")
    product_ids = np.sort(products["id"].astype(str).unique()) if product_universe == "catalog" else None
    return Interactions.from_events(events, products, categories, product_ids=product_ids)


def _as_datetime(value):
    """Neo4j temporal values (or None) as something pandas parses."""
    if value is None:
        return pd.NaT
    to_native = getattr(value, "to_native", None)
    return to_native() if to_native else value
