"""Features of (shopper, candidate product) pairs for the multi ranker, computed from Interactions.

The names and their meaning are shared with serving (see the models contract); serving computes the
same columns from graph candidates and scores them with ``models.ranker_inference``. This module is
light: numpy, scipy and pandas only (no TensorFlow, no scikit-learn).

Generator columns, for g in ``GENERATORS``:
- ``score_g``: the generator's score divided by its best score for this shopper (so 1.0 is its top
  pick); ``rank_g``: 1 for its top pick. A product the generator did not put in its top
  ``per_generator`` gets 0 and ``ABSENT_RANK``. ``popular`` and ``trending`` score every product the
  same for everyone, so for them every product has its score and global rank (clipped at ABSENT_RANK).
Product, shopper and pair columns: see ``FEATURES``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

GENERATORS = ("popular", "trending", "content", "collaborative", "mf", "embedding")
PRODUCT_LEVEL = ("popular", "trending")
ABSENT_RANK = 1000.0
#: Days given to a product nobody took yet (for ``recency_days``).
NEVER_DAYS = 3650.0

FEATURES = (
    [f"score_{g}" for g in GENERATORS]
    + [f"rank_{g}" for g in GENERATORS]
    + [
        "popularity",          # log1p(the product's summed interaction weight: purchases once per order)
        "recency_days",        # days from the product's last interaction to the data's last event
        "price",               # log1p(list price), 0 when unknown
        "category_affinity",   # share of the shopper's products in the product's top category
        "embedding_cosine",    # cosine of the shopper's and the product's node embeddings
        "mf_dot",              # dot product of their matrix-factorisation factors
        "user_bought_before",  # 1 when the shopper already took the product
        "user_repeat_rate",    # share of the shopper's purchased products bought in more than one order
        "user_history_size",   # log1p(distinct products the shopper took)
    ]
)


@dataclass
class ShopFacts:
    """Product- and shopper-level columns, computed once per Interactions."""

    popularity: np.ndarray
    recency_days: np.ndarray
    price: np.ndarray
    category: np.ndarray            # int per product, -1 when it has none
    category_share: sp.csr_matrix   # users x categories: share of each user's products per category
    repeat_rate: np.ndarray
    history_size: np.ndarray
    seen: sp.csr_matrix

    @classmethod
    def from_interactions(cls, interactions) -> "ShopFacts":
        n_products = interactions.n_products
        popularity = np.log1p(np.asarray(interactions.matrix.sum(axis=0)).ravel())
        events = interactions.events
        last = np.full(n_products, np.nan)
        if not events.empty:
            latest = events.groupby("product")["timestamp"].max()
            age = (interactions.reference_time - latest).dt.total_seconds().to_numpy() / 86400.0
            last[latest.index.to_numpy()] = age
        recency = np.where(np.isnan(last), NEVER_DAYS, last)
        price = np.nan_to_num(np.log1p(np.clip(interactions.catalog["price"].to_numpy(dtype=float), 0, None)), nan=0.0)
        names = interactions.catalog["category"].to_numpy()
        labels = {name: i for i, name in enumerate(sorted({n for n in names if n}))}
        category = np.array([labels.get(n, -1) if n else -1 for n in names], dtype=np.int64)
        binary = interactions.binary
        has = category >= 0
        one_hot = sp.csr_matrix((np.ones(has.sum(), dtype=np.float32), (np.flatnonzero(has), category[has])),
                                shape=(n_products, max(len(labels), 1)))
        counts = binary @ one_hot
        sizes = np.asarray(binary.sum(axis=1)).ravel()
        share = sp.diags(1.0 / np.maximum(sizes, 1.0)) @ counts
        orders = interactions.orders
        bought = np.diff(orders.indptr)
        repeated = np.asarray((orders > 1).sum(axis=1)).ravel()
        repeat_rate = np.where(bought > 0, repeated / np.maximum(bought, 1), 0.0)
        return cls(popularity.astype(np.float32), recency.astype(np.float32), price.astype(np.float32), category,
                   share.tocsr().astype(np.float32), repeat_rate.astype(np.float32),
                   np.log1p(sizes).astype(np.float32), binary)


@dataclass
class CandidateBlock:
    """Candidate pairs and their feature rows (columns in ``FEATURES`` order)."""

    users: np.ndarray
    products: np.ndarray
    features: np.ndarray

    def __len__(self) -> int:
        return len(self.users)


def _global_ranks(scores: np.ndarray) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.float32)
    ranks[order] = np.arange(1, len(scores) + 1)
    return np.minimum(ranks, ABSENT_RANK)


def candidate_features(generators: dict, facts: ShopFacts, user_indices, per_generator: int = 100,
                       filter_seen: bool = True, batch: int = 256) -> CandidateBlock:
    """Each user's candidates (the union of every generator's top ``per_generator``) with features.

    ``generators`` maps names in ``GENERATORS`` to fitted recommenders (a missing one leaves its
    columns at 0 / ABSENT_RANK). Candidates never include the user's own products when
    ``filter_seen``.
    """
    users = np.atleast_1d(np.asarray(user_indices, dtype=np.int64))
    column = {name: i for i, name in enumerate(FEATURES)}
    product_level = {}
    for name in PRODUCT_LEVEL:
        if name in generators:
            raw = np.asarray(generators[name].score(np.zeros(1, dtype=np.int64)))[0]
            top = raw.max()
            product_level[name] = (raw / top if top > 0 else raw, _global_ranks(raw))
    parts_users, parts_products, parts_features = [], [], []
    for start in range(0, len(users), batch):
        chunk = users[start:start + batch]
        seen_rows = facts.seen[chunk].tocoo()
        blocks, chosen = {}, np.zeros((len(chunk), facts.seen.shape[1]), dtype=bool)
        ranks = {}
        for name, model in generators.items():
            if name not in GENERATORS:
                continue
            block = np.asarray(model.score(chunk), dtype=np.float32).copy()
            if filter_seen:
                block[seen_rows.row, seen_rows.col] = -np.inf
            n = min(per_generator, block.shape[1])
            top = np.argpartition(-block, n - 1, axis=1)[:, :n]
            top_scores = np.take_along_axis(block, top, axis=1)
            order = np.argsort(-top_scores, axis=1, kind="stable")
            top = np.take_along_axis(top, order, axis=1)
            top_scores = np.take_along_axis(top_scores, order, axis=1)
            valid = np.isfinite(top_scores)
            rank = np.full(block.shape, ABSENT_RANK, dtype=np.float32)
            rows = np.repeat(np.arange(len(chunk)), n).reshape(len(chunk), n)
            rank[rows[valid], top[valid]] = np.tile(np.arange(1, n + 1, dtype=np.float32), (len(chunk), 1))[valid]
            chosen[rows[valid], top[valid]] = True
            best = np.where(valid[:, :1], top_scores[:, :1], 0.0)
            blocks[name] = (block, np.where(best > 0, best, 1.0))
            ranks[name] = rank
        if filter_seen:
            chosen[seen_rows.row, seen_rows.col] = False
        row, product = np.nonzero(chosen)
        user = chunk[row]
        features = np.zeros((len(row), len(FEATURES)), dtype=np.float32)
        for name in GENERATORS:
            if name in product_level:
                scores, global_rank = product_level[name]
                features[:, column[f"score_{name}"]] = scores[product]
                features[:, column[f"rank_{name}"]] = global_rank[product]
            elif name in blocks:
                block, best = blocks[name]
                rank = ranks[name][row, product]
                present = rank < ABSENT_RANK
                features[:, column[f"score_{name}"]] = np.where(present, block[row, product] / best[row, 0], 0.0)
                features[:, column[f"rank_{name}"]] = rank
            else:
                features[:, column[f"rank_{name}"]] = ABSENT_RANK
        if "embedding" in blocks:
            features[:, column["embedding_cosine"]] = np.nan_to_num(blocks["embedding"][0][row, product], neginf=0.0)
        if "mf" in blocks:
            features[:, column["mf_dot"]] = np.nan_to_num(blocks["mf"][0][row, product], neginf=0.0)
        features[:, column["popularity"]] = facts.popularity[product]
        features[:, column["recency_days"]] = facts.recency_days[product]
        features[:, column["price"]] = facts.price[product]
        category = facts.category[product]
        affinity = np.zeros(len(row), dtype=np.float32)
        has = category >= 0
        affinity[has] = np.asarray(facts.category_share[user[has], category[has]]).ravel()
        features[:, column["category_affinity"]] = affinity
        features[:, column["user_bought_before"]] = np.asarray(facts.seen[user, product]).ravel() > 0
        features[:, column["user_repeat_rate"]] = facts.repeat_rate[user]
        features[:, column["user_history_size"]] = facts.history_size[user]
        parts_users.append(user)
        parts_products.append(product)
        parts_features.append(features)
    if not parts_users:
        return CandidateBlock(np.empty(0, np.int64), np.empty(0, np.int64), np.empty((0, len(FEATURES)), np.float32))
    return CandidateBlock(np.concatenate(parts_users), np.concatenate(parts_products).astype(np.int64),
                          np.concatenate(parts_features))
