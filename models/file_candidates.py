"""Candidate-source files at training: each file's rows for the validation shoppers, read from the graph as it stood
when the validation period began.

The in-memory generators that hybrid and multi tune on are fitted on the training part of the validation carve
(``models.generators.carve_validation``). A Cypher file reads the live graph instead, which also holds the
validation period's purchases -- the very ones the blend and the ranker learn to find. So training runs each file
with ``$before`` set to the start of that period, and the contract asks a candidate source to ignore every
interaction at or after it (``models.strategy_guard_rails.candidate_source_problems`` refuses a candidate source
that never reads ``$before``). The seeds are what serving would have chosen that day: ``choose_seeds`` over the
shopper's interactions of the training part. A carve that is not a period of time (the random quarter held out of
each shopper's products when the shop has little history) cannot be shown to a file as a moment, so files then
get no column and no weight: ``cutoff`` returns None and training says why in metadata.json.

Scores come back per file generator (``file_<strategy>``), per user index, per product index, each at least 0:
the shape ``models.features.candidate_features`` and ``models.hybrid.file_block`` read.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import numpy as np

from shopgraph.graph.recommendations import ADDED_TO_CART, LIKED, PURCHASED, RATED, VIEWED, Interaction, ShopperHistory
from shopgraph.models.data import Interactions
from shopgraph.models.generators import validation_cutoff
from shopgraph.models.serving_blend import Seeds, choose_seeds
from shopgraph.models.vocabulary import file_generator

#: Event types of ``Interactions.events`` -> the relationship types of a shopper's history in the graph.
HISTORY_TYPES = {"purchase": PURCHASED, "rate": RATED, "like": LIKED, "cart": ADDED_TO_CART, "view": VIEWED}
#: Shoppers whose files run at once: their reads overlap in Neo4j, as for stored lists.
PARALLEL_SHOPPERS = 4
#: How long one file may read for one validation shopper at training (seconds; serving's limit is
#: ``$SHOPGRAPH_STRATEGY_TIMEOUT``). Training waits for no shopper, but a run cut short leaves the shopper without
#: the file's column in training while serving has it, so it is given longer than a page can wait.
TRAINING_TIMEOUT = 10.0
#: Why files get no column when the validation carve is not a period of time.
NOT_A_PERIOD = ("the validation split holds out a random share of each shopper's products, not a period of time, so "
                "a Cypher file cannot be shown the graph without them ($before); candidate-source files add "
                "candidates to hybrid and multi but no column and no weight")

FileScores = dict[str, dict[int, dict[int, float]]]


def cutoff(interactions: Interactions, validation: dict[str, Any]) -> datetime | None:
    """``$before`` for the validation carve ``validation`` of ``interactions`` (as ``carve_validation`` cuts it):
    the start of its period, a UTC datetime; None for a carve that is not a period."""
    start = validation_cutoff(interactions, validation)
    if start is None:
        return None
    return start.tz_localize(UTC).to_pydatetime() if start.tzinfo is None else start.to_pydatetime()


def seeds_before(train: Interactions, users: Sequence[int], history: int = 100, limit: int = 15) -> dict[int, Seeds]:
    """Each user's seeds as serving would have chosen them from ``train``'s interactions: the latest ``history``
    (one per product and kind, as the graph keeps them) through ``choose_seeds``."""
    wanted = set(int(user) for user in users)
    events = train.events[train.events["user"].isin(wanted)]
    seeds: dict[int, Seeds] = {user: [] for user in wanted}
    if events.empty:
        return seeds
    for user, own in events.groupby("user", sort=False):
        disliked = frozenset(train.product_ids[own.loc[own["type"] == "dislike", "product"]].astype(str))
        kept = own[own["type"].isin(HISTORY_TYPES)]
        grouped = kept.groupby(["type", "product"]).agg(at=("timestamp", "max"), orders=("order_id", "nunique"),
                                                        rating=("value", "last"))
        grouped = grouped.sort_values("at", ascending=False).head(history)
        interactions = tuple(
            Interaction(HISTORY_TYPES[kind], str(train.product_ids[product]), at.timestamp(),
                        int(row.orders) if kind == "purchase" else None,
                        float(row.rating) if kind == "rate" else None)
            for (kind, product), row, at in zip(grouped.index, grouped.itertuples(), grouped["at"], strict=True))
        history_of = ShopperHistory(str(train.user_ids[user]), interactions, disliked)
        seeds[int(user)] = choose_seeds(history_of, limit)[0]
    return seeds


def file_scores(graph, library, names: Sequence[str], interactions: Interactions, train: Interactions,
                users: Sequence[int], before: datetime, k: int = 50,
                progress: Callable[[int], None] | None = None) -> tuple[FileScores, dict[str, dict[str, Any]]]:
    """Each candidate-source file in ``names`` run for each of ``users`` (indices of ``interactions``) with the
    seeds of ``train`` and ``$before`` = ``before``: scores by file generator, user and product, and per file
    what it gave (shoppers with rows, rows, failed runs). A failed run gives that shopper no rows (the library
    logs it), as when serving."""
    users = [int(user) for user in users]
    seeds = seeds_before(train, users)
    products = interactions.product_index
    failures_before = library.failures()
    scores: FileScores = {}
    summary: dict[str, dict[str, Any]] = {}
    for name in names:
        def run(user: int, name: str = name) -> tuple[int, list]:
            if not seeds.get(user):
                return user, []
            return user, library.candidates(graph, name, user_id=str(interactions.user_ids[user]), k=k,
                                            seeds=seeds[user], before=before)

        per_user: dict[int, dict[int, float]] = {}
        rows = 0
        with ThreadPoolExecutor(max_workers=PARALLEL_SHOPPERS) as pool:
            for user, found in pool.map(run, users):
                own: dict[int, float] = {}
                for row in found:
                    product = products.get(row.product_id)
                    if product is not None:
                        own[product] = max(own.get(product, 0.0), max(float(row.score), 0.0))
                if own:
                    per_user[user] = own
                    rows += len(own)
                if progress is not None:
                    progress(1)
        scores[file_generator(name)] = per_user
        failed = library.failures().get(name, (0, ""))[0] - failures_before.get(name, (0, ""))[0]
        summary[name] = {"version": library.version(name), "shoppers": len(users),
                         "shoppers_with_rows": len(per_user), "rows": rows, "failed_runs": int(failed),
                         "mean_rows": round(float(np.mean([len(v) for v in per_user.values()])), 1)
                         if per_user else 0.0}
    return scores, summary
