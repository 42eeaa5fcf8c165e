"""Features of (shopper, candidate product) pairs for the multi ranker.

``assemble`` is the one definition of the columns: from raw values per row (a product's interest, days since
its last interaction, price; the shopper's share of products in its category, how many products they took ...)
it makes the columns the ranker reads, in any order of names. Training gathers those raw values here from
Interactions (``candidate_features``); serving gathers them from the graph (``models.serving_features``) and
calls the same function, so a shopper and product give the same row either way (a test checks it). This module
is light: numpy, scipy and pandas only (no TensorFlow, no scikit-learn).

Generator columns, for g in ``SCORED`` (every generator but ``UNREPRODUCED``):
- ``score_g``: the generator's score divided by its best score for this shopper (so 1.0 is its top
  pick); ``rank_g``: 1 for its top pick. A product the generator did not put in its top
  ``per_generator`` gets 0 and ``ABSENT_RANK``. ``popular`` and ``trending`` score every product the
  same for everyone, so for them every product has its score and global rank (clipped at ABSENT_RANK).
Product, shopper and pair columns: see ``FEATURES``.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from shopgraph.models.vocabulary import GENERATORS, is_file_generator

PRODUCT_LEVEL = ("popular", "trending")
ABSENT_RANK = 1000.0
#: Days given to a product nobody took yet (for ``recency_days``).
NEVER_DAYS = 3650.0

#: Generators the multi ranker leaves out, as columns and as candidates: served, they are bounded walks from a
#: shopper's 15 strongest recent seeds (and live baskets, shoppers like you, shared genres), while in training they
#: score every product from the whole history, so the ranker would learn from scores, and rank candidates, it is
#: never served (as served, collaborative kept 65% of its NDCG on MovieLens, and content gained fivefold from
#: shared categories). ``item_regression``, ``mf`` and ``embedding`` serve the scores they were trained with.
#: Their candidates were tried without their columns: the served ranker then trailed the one in memory by 1.7%
#: (MovieLens) and 11% (Online Retail), while leaving them out altogether ranked validation shoppers as well (NDCG@10
#: 0.2948 against 0.2931 on MovieLens, 0.1627 against 0.1622 on Online Retail).
UNREPRODUCED = ("collaborative", "content")
#: The generators whose candidates and scores the ranker reads.
SCORED = tuple(g for g in GENERATORS if g not in UNREPRODUCED)

FEATURES = (
    [f"score_{g}" for g in SCORED]
    + [f"rank_{g}" for g in SCORED]
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


def feature_names(files: Sequence[str] = ()) -> list[str]:
    """The ranker's columns with candidate-source files: ``FEATURES``, then ``score_file_<strategy>`` and
    ``rank_file_<strategy>`` per file generator in ``files`` (names ``file_<strategy>``), in that order. The
    names a ranker was trained with are stored with it (ranker.json ``features``), and serving fills those."""
    files = sorted(files)
    return [*FEATURES, *(f"score_{g}" for g in files), *(f"rank_{g}" for g in files)]


def file_generators(names: Sequence[str]) -> list[str]:
    """The candidate-source generators (``file_<strategy>``) whose columns ``names`` hold."""
    return sorted({name[len("score_"):] for name in names
                   if name.startswith("score_") and is_file_generator(name[len("score_"):])})


def assemble(names: Sequence[str], generators: dict[str, tuple[np.ndarray, np.ndarray]], *, interest: np.ndarray,
             days_since_last: np.ndarray, price: np.ndarray, category_share: np.ndarray,
             embedding_cosine: np.ndarray, mf_dot: np.ndarray, bought_before: np.ndarray, repeat_rate: np.ndarray,
             taken: np.ndarray) -> np.ndarray:
    """The ranker's feature rows, columns in ``names`` order (a name not in ``FEATURES`` stays 0), from raw
    values per row:

    - ``generators``: per generator, (score over its best for this shopper, 1-based rank); a generator not
      given has 0 and ``ABSENT_RANK`` everywhere -- so does a candidate-source file (``file_<strategy>``) named
      in ``names`` and not given (a file removed since training);
    - ``interest``: the product's summed interaction weights (``models.data.EVENT_WEIGHTS``, a purchase once per
      order); ``days_since_last``: from its last interaction to the shop's latest one (NaN: never taken);
      ``price``: its list price (NaN: unknown);
    - ``category_share``: the share of the shopper's products in the product's top category;
      ``embedding_cosine``, ``mf_dot``: the shopper's and the product's vectors compared;
      ``bought_before``: whether the shopper took the product; ``repeat_rate``: the share of their purchased
      products bought in more than one order; ``taken``: how many distinct products they took.
    """
    rows = len(interest)
    values: dict[str, np.ndarray] = {}
    for name in [*GENERATORS, *file_generators(names)]:
        score, rank = generators.get(name, (np.zeros(rows), np.full(rows, ABSENT_RANK)))
        values[f"score_{name}"], values[f"rank_{name}"] = score, rank
    with np.errstate(invalid="ignore"):
        values["popularity"] = np.log1p(np.maximum(interest, 0.0))
        values["recency_days"] = np.where(np.isnan(days_since_last), NEVER_DAYS, np.maximum(days_since_last, 0.0))
        values["price"] = np.nan_to_num(np.log1p(np.clip(price, 0.0, None)), nan=0.0)
    values["category_affinity"] = category_share
    values["embedding_cosine"] = embedding_cosine
    values["mf_dot"] = mf_dot
    values["user_bought_before"] = np.asarray(bought_before, dtype=np.float32)
    values["user_repeat_rate"] = repeat_rate
    values["user_history_size"] = np.log1p(taken)
    matrix = np.zeros((rows, len(names)), dtype=np.float32)
    for column, name in enumerate(names):
        if name in values:
            matrix[:, column] = values[name]
    return matrix


@dataclass
class ShopFacts:
    """The raw product- and shopper-level values ``assemble`` reads, computed once per Interactions."""

    interest: np.ndarray
    days_since_last: np.ndarray     # NaN for a product nobody took
    price: np.ndarray               # NaN when unknown
    category: np.ndarray            # int per product, -1 when it has none
    category_share: sp.csr_matrix   # users x categories: share of each user's products per category
    repeat_rate: np.ndarray
    taken: np.ndarray               # distinct products per user
    seen: sp.csr_matrix

    @classmethod
    def from_interactions(cls, interactions) -> ShopFacts:
        n_products = interactions.n_products
        interest = np.asarray(interactions.matrix.sum(axis=0)).ravel()
        events = interactions.events
        last = np.full(n_products, np.nan)
        if not events.empty:
            latest = events.groupby("product")["timestamp"].max()
            age = (interactions.reference_time - latest).dt.total_seconds().to_numpy() / 86400.0
            last[latest.index.to_numpy()] = age
        price = interactions.catalog["price"].to_numpy(dtype=float)
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
        return cls(interest.astype(np.float32), last.astype(np.float32), price.astype(np.float32), category,
                   share.tocsr().astype(np.float32), repeat_rate.astype(np.float32), sizes.astype(np.float32),
                   binary)


@dataclass
class CandidateBlock:
    """Candidate pairs and their feature rows (columns in ``names`` order: ``FEATURES`` unless files add some)."""

    users: np.ndarray
    products: np.ndarray
    features: np.ndarray
    names: list[str] = field(default_factory=lambda: list(FEATURES))

    def __len__(self) -> int:
        return len(self.users)


def _compared(blocks: dict, name: str, row: np.ndarray, product: np.ndarray) -> np.ndarray:
    """The pairs' mf dot products or embedding cosines, from that generator's score block (0 without it)."""
    if name not in blocks:
        return np.zeros(len(row), dtype=np.float32)
    return np.nan_to_num(blocks[name][0][row, product], neginf=0.0)


def shop_wide_columns(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(score over the best, global rank) per product of a shop-wide generator, as serving reads them from the
    graph's list: only products with a positive score, in the first ``ABSENT_RANK`` places, are on it."""
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.float32)
    ranks[order] = np.arange(1, len(scores) + 1)
    listed = (scores > 0) & (ranks <= ABSENT_RANK)
    top = scores.max(initial=0.0)
    return (np.where(listed, scores / (top if top > 0 else 1.0), 0.0),
            np.where(listed, ranks, ABSENT_RANK).astype(np.float32))


def pair_features(facts: ShopFacts, user: np.ndarray, product: np.ndarray,
                  generators: dict[str, tuple[np.ndarray, np.ndarray]], embedding_cosine: np.ndarray,
                  mf_dot: np.ndarray, names: Sequence[str] = FEATURES) -> np.ndarray:
    """The feature rows of (user, product) pairs from the shop's facts: what training gathers for ``assemble``."""
    category = facts.category[product]
    share = np.zeros(len(user), dtype=np.float32)
    has = category >= 0
    share[has] = np.asarray(facts.category_share[user[has], category[has]]).ravel()
    return assemble(names, generators, interest=facts.interest[product],
                    days_since_last=facts.days_since_last[product], price=facts.price[product],
                    category_share=share, embedding_cosine=embedding_cosine, mf_dot=mf_dot,
                    bought_before=np.asarray(facts.seen[user, product]).ravel() > 0,
                    repeat_rate=facts.repeat_rate[user], taken=facts.taken[user])


def candidate_features(generators: dict, facts: ShopFacts, user_indices, per_generator: int = 100,
                       filter_seen: bool = True, batch: int = 256,
                       files: dict[str, dict[int, dict[int, float]]] | None = None,
                       names: Sequence[str] | None = None) -> CandidateBlock:
    """Each user's candidates (the union of every generator's top ``per_generator``) with features.

    ``generators`` maps names in ``GENERATORS`` to fitted recommenders (a missing one leaves its
    columns at 0 / ABSENT_RANK). ``files`` maps candidate-source generators (``file_<strategy>``) to the
    file's scores per user and product (``models.file_candidates``): their products join the candidates and
    their columns are the file's score over its best for the user and its rank, as serving makes them.
    ``names`` are the columns (default ``feature_names`` of the files); a file column with no file given stays
    0 / ABSENT_RANK. Candidates never include the user's own products when ``filter_seen``.
    """
    users = np.atleast_1d(np.asarray(user_indices, dtype=np.int64))
    files = files or {}
    names = list(names) if names is not None else feature_names(list(files))
    ranked_files = {g: {user: _ranked_file(scores) for user, scores in per_user.items()}
                    for g, per_user in files.items()}
    product_level = {}
    for name in PRODUCT_LEVEL:
        if name in generators:
            product_level[name] = shop_wide_columns(
                np.asarray(generators[name].score(np.zeros(1, dtype=np.int64)))[0])
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
            if name in PRODUCT_LEVEL:    # the graph's shop-wide lists hold only products with a positive score
                block[block <= 0] = -np.inf
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
        for per_user in ranked_files.values():
            for i, user in enumerate(chunk.tolist()):
                proposed = list(per_user.get(user, ()))
                chosen[i, proposed] = True
        if filter_seen:
            chosen[seen_rows.row, seen_rows.col] = False
        row, product = np.nonzero(chosen)
        columns = {}
        for name in GENERATORS:
            if name in product_level:
                scores, global_rank = product_level[name]
                columns[name] = (scores[product], global_rank[product])
            elif name in blocks:
                block, best = blocks[name]
                rank = ranks[name][row, product]
                columns[name] = (np.where(rank < ABSENT_RANK, block[row, product] / best[row, 0], 0.0), rank)
        user = chunk[row]
        for g, per_user in ranked_files.items():
            found = [per_user.get(u, {}).get(p, (0.0, ABSENT_RANK))
                     for u, p in zip(user.tolist(), product.tolist(), strict=True)]
            columns[g] = (np.array([f[0] for f in found], dtype=np.float64),
                          np.array([f[1] for f in found], dtype=np.float64))
        parts_users.append(user)
        parts_products.append(product)
        parts_features.append(pair_features(facts, user, product, columns, _compared(blocks, "embedding", row, product),
                                            _compared(blocks, "mf", row, product), names))
    if not parts_users:
        return CandidateBlock(np.empty(0, np.int64), np.empty(0, np.int64), np.empty((0, len(names)), np.float32),
                              names)
    return CandidateBlock(np.concatenate(parts_users), np.concatenate(parts_products).astype(np.int64),
                          np.concatenate(parts_features), names)


def _ranked_file(scores: dict[int, float]) -> dict[int, tuple[float, float]]:
    """product -> (score over the best, 1-based rank): a file's column values for one user, as serving's
    ``models.serving_features`` makes them from the file's share of the pool."""
    best = max(scores.values(), default=0.0)
    divisor = best if best > 0 else 1.0
    order = sorted(scores, key=lambda product: (-scores[product], product))
    return {product: (scores[product] / divisor, float(rank)) for rank, product in enumerate(order, 1)}
