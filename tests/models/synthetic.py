"""A small synthetic shop as loader ``Tables``: three aisles of eight products, forty shoppers who
each mostly buy from one aisle, over 120 days of orders. Deterministic, and small enough that every
model trains in a second or two."""
from __future__ import annotations

import numpy as np
import pandas as pd

from shopgraph.loaders.tables import Tables

AISLES = {
    "kitchen": ["teapot", "mug", "kettle", "tea towel", "cake tin", "whisk", "apron", "jug"],
    "garden": ["trowel", "watering can", "seed tray", "gloves", "plant pot", "rake", "hose", "bird feeder"],
    "toys": ["kite", "yo-yo", "spinning top", "puzzle", "teddy bear", "marbles", "skipping rope", "doll"],
}
START = pd.Timestamp("2024-01-01")


def synthetic_tables(n_users: int = 40, days: int = 120, seed: int = 7) -> Tables:
    rng = np.random.default_rng(seed)
    categories = [{"id": "home", "name": "Home", "parentId": None}]
    products = []
    for aisle, names in AISLES.items():
        categories.append({"id": aisle, "name": aisle.title(), "parentId": "home"})
        for i, name in enumerate(names):
            products.append({"id": f"{aisle[0]}{i}", "name": f"{name.title()}",
                             "description": f"A {name} for the {aisle}.", "price": 2.0 + i, "imageUrl": None,
                             "brand": "Acme" if i % 2 else "Bexley", "categoryId": aisle,
                             "tags": [aisle, "gift"] if i < 3 else [aisle], "avgRating": np.nan, "ratingCount": 0})
    aisles = list(AISLES)
    events = []
    order = 0
    for u in range(n_users):
        favourite = aisles[u % len(aisles)]
        # Within an aisle, low-numbered products are the best sellers.
        weights = np.array([8, 7, 6, 5, 4, 3, 2, 1], dtype=float)
        for _ in range(int(rng.integers(3, 6))):
            order += 1
            day = int(rng.integers(0, days))
            aisle = favourite if rng.random() < 0.85 else aisles[int(rng.integers(0, 3))]
            picks = rng.choice(8, size=int(rng.integers(1, 4)), replace=False, p=weights / weights.sum())
            for i in picks:
                events.append({"user_id": f"u{u:02d}", "product_id": f"{aisle[0]}{i}", "type": "purchase",
                               "value": float(rng.integers(1, 4)),
                               "timestamp": START + pd.Timedelta(days=day, hours=int(rng.integers(8, 20))),
                               "order_id": f"o{order:04d}", "price": 2.0 + float(i)})
    users = pd.DataFrame({"id": [f"u{u:02d}" for u in range(n_users)], "name": None, "country": "UK",
                          "createdAt": pd.NaT})
    return Tables("synthetic", pd.DataFrame(products), pd.DataFrame(categories), users, pd.DataFrame(events))


def synthetic_ratings(n_users: int = 30, seed: int = 3) -> Tables:
    """The same shop as ratings (MovieLens-like): every shopper rates 8-12 products of mostly one aisle."""
    tables = synthetic_tables(n_users, seed=seed)
    rng = np.random.default_rng(seed)
    events = tables.events.drop_duplicates(["user_id", "product_id"]).copy()
    events["type"] = "rate"
    events["value"] = rng.integers(1, 6, len(events)).astype(float)
    events["order_id"] = None
    events["price"] = np.nan
    return Tables("synthetic-ratings", tables.products, tables.categories, tables.users, events.reset_index(drop=True))
