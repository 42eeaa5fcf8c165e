"""The two evaluation protocols of docs/evaluation.md as splitters of indexed events (``Interactions.events``).

Each returns ``Split(train, test)``: ``train`` is an ``Interactions`` over the same indices and
``test`` maps a user index to the set of product indices that user should be recommended.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from shopgraph.models.data import Interactions


@dataclass
class Split:
    train: Interactions
    test: dict[int, set[int]]


def temporal_split(interactions: Interactions, cutoff: pd.Timestamp | str, types=("purchase",),
                   end: pd.Timestamp | str | None = None) -> Split:
    """Train on events before ``cutoff``; test on purchases at or after it (before ``end``, if given).

    A test pair counts only when the user and the product both appear in training and the user had
    not bought that product before: the model is asked for new products for known shoppers.
    """
    cutoff = pd.Timestamp(cutoff)
    events = interactions.events
    before = events["timestamp"] < cutoff
    train = interactions.with_events(events[before])
    later = events[~before & events["type"].isin(types)]
    if end is not None:
        later = later[later["timestamp"] < pd.Timestamp(end)]
    seen = train.binary
    known_users = np.flatnonzero(np.diff(seen.indptr) > 0)
    known_products = np.flatnonzero(np.asarray(seen.sum(axis=0)).ravel() > 0)
    later = later[later["user"].isin(known_users) & later["product"].isin(known_products)]
    pairs = later[["user", "product"]].drop_duplicates()
    if pairs.empty:  # nothing bought after the cutoff: an empty test, not a sparse index of nothing
        return Split(train, {})
    is_new = np.asarray(seen[pairs["user"].to_numpy(), pairs["product"].to_numpy()]).ravel() == 0
    return Split(train, _grouped(pairs[is_new]))


def random_split(interactions: Interactions, test_share: float = 0.25, seed: int = 42) -> Split:
    """Per user, a random ``test_share`` of their distinct products is held out (seeded).

    Every event of a held-out (user, product) pair leaves training. Users keep at least one
    training product; a user with a single product is kept whole in training.
    """
    events = interactions.events
    pairs = events[["user", "product"]].drop_duplicates().sort_values(["user", "product"]).reset_index(drop=True)
    rng = np.random.default_rng(seed)
    shuffled = pairs.assign(key=rng.random(len(pairs))).sort_values(["user", "key"])
    position = shuffled.groupby("user").cumcount().to_numpy()
    sizes = shuffled.groupby("user")["product"].transform("size").to_numpy()
    n_test = np.floor(sizes * test_share + 0.5).astype(int)
    n_test = np.minimum(n_test, sizes - 1)
    held = shuffled[position < n_test]
    held_keys = set(zip(held["user"].tolist(), held["product"].tolist(), strict=True))
    keys = zip(events["user"].tolist(), events["product"].tolist(), strict=True)
    in_test = np.fromiter((key in held_keys for key in keys), dtype=bool, count=len(events))
    return Split(interactions.with_events(events[~in_test]), _grouped(held))


def _grouped(pairs: pd.DataFrame) -> dict[int, set[int]]:
    return {int(user): set(group.tolist()) for user, group in pairs.groupby("user")["product"]}


def active_test(split: Split) -> dict[int, set[int]]:
    """The test users with at least one product to find."""
    return {user: items for user, items in split.test.items() if items}


def first_held_out(events: pd.DataFrame, held_out: dict[int, set[int]]) -> pd.DataFrame:
    """Per shopper with two held-out products or more, the event of the one they took first (ties: the lower
    product index, so the choice is the same on every run): one row each, in the order those events happened.
    ``events`` has ``user``, ``product`` and ``timestamp`` columns (``Interactions.events``)."""
    wanted = {(user, product) for user, products in held_out.items() if len(products) >= 2 for product in products}
    pairs = list(zip(events["user"].tolist(), events["product"].tolist(), strict=True))
    rows = events[[pair in wanted for pair in pairs]].sort_values(["user", "timestamp", "product"])
    return rows.drop_duplicates("user").sort_values(["timestamp", "user"])
