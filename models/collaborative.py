"""Collaborative filtering from co-interaction: "shoppers who bought X also bought Y" and
"shoppers like you bought Y".

``ItemItemRecommender`` scores products by their cosine similarity (shrunk towards zero for pairs
seen together only a few times) to what the shopper took; each product's top-20 neighbours become
the graph's ``BOUGHT_WITH`` edges, so the score is the same walk a Cypher traversal takes.
``UserUserRecommender`` finds each shopper's most similar shoppers (cosine over their products) and
scores what those neighbours took. ``CollaborativeRecommender`` blends the two, each normalised per
shopper, as the ``collaborative`` generator.
"""
from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import numpy as np
import scipy.sparse as sp

from shopgraph.models.base import Recommender, csr_arrays, csr_from_arrays, leading_entries, top_k
from shopgraph.models.data import Interactions

BOUGHT_WITH_NEIGHBOURS = 20


def cosine_neighbours(x: sp.csr_matrix, k: int, shrink: float, popularity_penalty: float = 0.0,
                      batch: int = 2048) -> sp.csr_matrix:
    """Rows x rows similarity of the rows of ``x`` keeping each row's top k (self excluded).

    sim(i, j) = co(i, j) / (|i|^(1/2) |j|^(1/2) + shrink) / |j|^popularity_penalty, where co counts
    shared columns: the penalty keeps best-sellers from being everyone's neighbour.
    """
    x = x.tocsr().astype(np.float32)
    norms = np.asarray(x.multiply(x).sum(axis=1)).ravel()
    root = np.sqrt(norms)
    penalty = np.power(np.maximum(norms, 1.0), popularity_penalty) if popularity_penalty else None
    n = x.shape[0]
    k = min(k, max(n - 1, 0))
    rows, cols, vals = [], [], []
    xt = x.T.tocsc()
    for start in range(0, n, batch):
        block = (x[start:start + batch] @ xt).toarray()
        stop = start + block.shape[0]
        block /= root[start:stop, None] * root[None, :] + shrink + 1e-9
        if penalty is not None:
            block /= penalty[None, :]
        block[np.arange(block.shape[0]), np.arange(start, stop)] = 0.0
        block[block <= 0] = -np.inf
        top, scores = top_k(block, k)
        keep = top >= 0
        rows.append(np.repeat(np.arange(start, stop), k)[keep.ravel()])
        cols.append(top[keep])
        vals.append(scores[keep])
    return sp.csr_matrix((np.concatenate(vals) if vals else [], (np.concatenate(rows) if rows else [],
                                                                 np.concatenate(cols) if cols else [])),
                         shape=(n, n), dtype=np.float32)


def normalise_rows(block: np.ndarray) -> np.ndarray:
    """Each row divided by its largest entry (rows with nothing positive stay as they are)."""
    top = block.max(axis=1, keepdims=True)
    return block / np.where(top > 0, top, 1.0)


def _user_rows(interactions: Interactions, weighting: str) -> sp.csr_matrix:
    if weighting == "log":
        matrix = interactions.matrix.copy()
        matrix.data = 1.0 + np.log1p(matrix.data)
        return matrix
    return interactions.binary


class ItemItemRecommender(Recommender):
    """Item-based kNN over co-interaction; the ``BOUGHT_WITH`` neighbours."""

    name = "bought_with"
    defaults = {"neighbours": 100, "shrink": 10.0, "popularity_penalty": 0.0, "weighting": "binary"}

    def _fit(self, interactions: Interactions) -> None:
        self.similarity = cosine_neighbours(interactions.binary.T, int(self.params["neighbours"]),
                                            float(self.params["shrink"]), float(self.params["popularity_penalty"]))
        self.user_rows = _user_rows(interactions, self.params["weighting"])

    def score(self, user_indices):
        return np.asarray((self.user_rows[np.atleast_1d(user_indices)] @ self.similarity).todense())

    def item_similarity(self, item_indices):
        return np.asarray(self.similarity[np.atleast_1d(item_indices)].todense())

    def bought_with(self, k: int = BOUGHT_WITH_NEIGHBOURS) -> tuple[np.ndarray, np.ndarray]:
        """(indices, scores) products x k: each product's strongest co-interaction neighbours."""
        return leading_entries(self.similarity, k)

    def _state(self):
        arrays = {f"sim_{k}": v for k, v in csr_arrays(self.similarity).items()}
        arrays.update({f"rows_{k}": v for k, v in csr_arrays(self.user_rows).items()})
        return arrays

    def _restore(self, arrays, facts, folder):
        self.similarity = csr_from_arrays(arrays, "sim_")
        self.user_rows = csr_from_arrays(arrays, "rows_")


class UserUserRecommender(Recommender):
    """User-based kNN: what the shopper's most similar shoppers took, weighted by similarity."""

    name = "similar_shoppers"
    defaults = {"neighbours": 50, "shrink": 10.0}

    def _fit(self, interactions: Interactions) -> None:
        self.similarity = cosine_neighbours(interactions.binary, int(self.params["neighbours"]),
                                            float(self.params["shrink"]))
        self.items = interactions.binary

    def score(self, user_indices):
        return np.asarray((self.similarity[np.atleast_1d(user_indices)] @ self.items).todense())

    def _state(self):
        arrays = {f"sim_{k}": v for k, v in csr_arrays(self.similarity).items()}
        arrays.update({f"items_{k}": v for k, v in csr_arrays(self.items).items()})
        return arrays

    def _restore(self, arrays, facts, folder):
        self.similarity = csr_from_arrays(arrays, "sim_")
        self.items = csr_from_arrays(arrays, "items_")


class CollaborativeRecommender(Recommender):
    """The ``collaborative`` generator: item-item and user-user scores, each normalised per shopper."""

    name = "collaborative"
    defaults = {"item_neighbours": 100, "user_neighbours": 50, "shrink": 10.0, "popularity_penalty": 0.0,
                "user_share": 0.3}

    def _fit(self, interactions: Interactions) -> None:
        self.items = ItemItemRecommender(neighbours=self.params["item_neighbours"], shrink=self.params["shrink"],
                                         popularity_penalty=self.params["popularity_penalty"]).fit(interactions)
        self.users = UserUserRecommender(neighbours=self.params["user_neighbours"],
                                         shrink=self.params["shrink"]).fit(interactions)

    def score(self, user_indices):
        share = float(self.params["user_share"])
        return ((1.0 - share) * normalise_rows(self.items.score(user_indices))
                + share * normalise_rows(self.users.score(user_indices)))

    def item_similarity(self, item_indices):
        return self.items.item_similarity(item_indices)

    def bought_with(self, k: int = BOUGHT_WITH_NEIGHBOURS):
        return self.items.bought_with(k)

    def _save_parts(self, folder):
        self.items.save(folder / "bought_with")
        self.users.save(folder / "similar_shoppers")

    def _restore(self, arrays, facts, folder):
        self.items = _load_part(folder / "bought_with", ItemItemRecommender)
        self.users = _load_part(folder / "similar_shoppers", UserUserRecommender)


_Part = TypeVar("_Part", bound=Recommender)


def _load_part(folder: Path, kind: type[_Part]) -> _Part:
    """The model saved in ``folder``, which must be a ``kind``."""
    model = Recommender.load(folder)
    if not isinstance(model, kind):
        raise ValueError(f"{folder} holds a {type(model).__name__}, not the {kind.__name__} expected")
    return model
