"""The one interface every recommender keeps (after benfred/implicit's ``RecommenderBase``).

A recommender is fitted on ``Interactions`` and then answers in indices: ``recommend`` takes a batch
of user indices and gives, per user, the top-k product indices and their scores (best first, -1 and
-inf where fewer than k products are left). Evaluation calls nothing else, so every model is
measured the same way.

``save(folder)`` writes ``model.json`` (class name, parameters, small facts) and ``arrays.npz``
(numpy arrays only); ``Recommender.load(folder)`` rebuilds the model from them and gives the same
lists again. Nothing is pickled: ``np.load`` runs with ``allow_pickle=False``.
"""
from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np
import scipy.sparse as sp

from shopgraph.models.data import Interactions

#: Users scored per batch: a batch's dense score block is batch x products float32.
BATCH_USERS = 512

_REGISTRY: dict[str, type[Recommender]] = {}


class NotFitted(RuntimeError):
    """The recommender was asked for recommendations before ``fit`` or ``load``."""


class ModelDiverged(ArithmeticError):
    """Training produced NaN or infinite factors (implicit raises the same on NaN factors)."""


class Recommender(ABC):
    """Base class: subclasses set ``name``, ``defaults`` and implement ``_fit`` and ``score``."""

    name: ClassVar[str] = ""
    #: Default parameters; ``__init__`` accepts exactly these keys.
    defaults: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.name:
            _REGISTRY[cls.name] = cls

    def __init__(self, **params: Any) -> None:
        unknown = set(params) - set(self.defaults)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no parameter(s) {', '.join(sorted(unknown))}")
        self.params: dict[str, Any] = {**self.defaults, **params}
        self.seen: sp.csr_matrix | None = None
        self.fit_seconds: float = 0.0

    # -- training ----------------------------------------------------------------------------
    def fit(self, interactions: Interactions) -> Self:
        """Learn from ``interactions``; remembers each user's products so they can be filtered."""
        started = time.perf_counter()
        self.seen = interactions.binary.tocsr().astype(np.float32)
        self._fit(interactions)
        self.fit_seconds = time.perf_counter() - started
        return self

    @abstractmethod
    def _fit(self, interactions: Interactions) -> None: ...

    # -- answering ---------------------------------------------------------------------------
    @abstractmethod
    def score(self, user_indices: np.ndarray) -> np.ndarray:
        """Dense float32 scores, users x products (higher is better), seen products included."""

    @property
    def n_products(self) -> int:
        return self._require_fitted().shape[1]

    @property
    def n_users(self) -> int:
        return self._require_fitted().shape[0]

    def recommend(self, user_indices, k: int = 10, filter_seen: bool = True,
                  exclude: sp.csr_matrix | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k products per user: (indices int32 users x k, scores float32 users x k), best first.

        ``filter_seen`` leaves out each user's training products; ``exclude`` (users x products,
        the same rows as the model's users) leaves out more, e.g. disliked products.
        """
        seen = self._require_fitted()
        users = np.atleast_1d(np.asarray(user_indices, dtype=np.int64))
        k = min(k, self.n_products)
        indices = np.full((len(users), k), -1, dtype=np.int32)
        scores = np.full((len(users), k), -np.inf, dtype=np.float32)
        for start in range(0, len(users), BATCH_USERS):
            batch = users[start:start + BATCH_USERS]
            block = np.asarray(self.score(batch), dtype=np.float32).copy()
            if filter_seen:
                _mask(block, seen[batch])
            if exclude is not None:
                _mask(block, exclude[batch])
            top, top_scores = top_k(block, k)
            indices[start:start + len(batch)] = top
            scores[start:start + len(batch)] = top_scores
        return indices, scores

    def similar_items(self, item_indices, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """Products most like each given product (itself excluded), from ``item_similarity``."""
        items = np.atleast_1d(np.asarray(item_indices, dtype=np.int64))
        block = np.asarray(self.item_similarity(items), dtype=np.float32).copy()
        block[np.arange(len(items)), items] = -np.inf
        return top_k(block, min(k, block.shape[1] - 1))

    def item_similarity(self, item_indices: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{self.name} has no notion of similar products")

    # -- persistence -------------------------------------------------------------------------
    def save(self, folder: Path | str) -> Path:
        """Write the fitted model into ``folder`` (created); returns it."""
        seen = self._require_fitted()
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        arrays = {f"seen_{key}": value for key, value in csr_arrays(seen).items()}
        arrays.update(self._state())
        np.savez(folder / "arrays.npz", allow_pickle=False, **arrays)  # load() refuses pickles too
        meta = {"class": self.name, "params": self.params, "fit_seconds": self.fit_seconds,
                "facts": self._facts()}
        (folder / "model.json").write_text(json.dumps(meta, indent=2, default=json_default))
        self._save_parts(folder)
        return folder

    @staticmethod
    def load(folder: Path | str) -> Recommender:
        """The model saved in ``folder``, whatever its class."""
        folder = Path(folder)
        meta = json.loads((folder / "model.json").read_text())
        cls = _REGISTRY.get(meta["class"])
        if cls is None:
            raise ValueError(f"{folder} holds an unknown model class {meta['class']!r}")
        model = cls(**meta["params"])
        model.fit_seconds = meta.get("fit_seconds", 0.0)
        with np.load(folder / "arrays.npz", allow_pickle=False) as stored:
            arrays = {key: stored[key] for key in stored.files}
        model.seen = csr_from_arrays(arrays, "seen_")
        model._restore(arrays, meta.get("facts", {}), folder)
        return model

    def _state(self) -> dict[str, np.ndarray]:
        """The arrays that make up the fitted model."""
        return {}

    def _facts(self) -> dict[str, Any]:
        """Small JSON-able facts the model needs besides its arrays."""
        return {}

    def _save_parts(self, folder: Path) -> None:  # noqa: B027 -- an optional hook, a no-op unless overridden
        """Models made of other models save those here (in subfolders)."""

    def _restore(self, arrays: dict[str, np.ndarray], facts: dict[str, Any],  # noqa: B027 -- an optional hook
                 folder: Path) -> None:
        """Rebuild the fitted state from what ``_state``/``_facts``/``_save_parts`` wrote."""

    def _require_fitted(self) -> sp.csr_matrix:
        """The training products of each user (``seen``); raises ``NotFitted`` before ``fit`` or ``load``."""
        if self.seen is None:
            raise NotFitted(f"{self.name} has not been fitted or loaded")
        return self.seen

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.params.items())})"


def top_k(block: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the k largest entries' columns and values, best first; -inf entries become -1."""
    if k <= 0:
        return (np.empty((block.shape[0], 0), dtype=np.int32), np.empty((block.shape[0], 0), dtype=np.float32))
    if k < block.shape[1]:
        part = np.argpartition(-block, k - 1, axis=1)[:, :k]
    else:
        part = np.tile(np.arange(block.shape[1]), (block.shape[0], 1))
    part_scores = np.take_along_axis(block, part, axis=1)
    # Ties broken by product index, so equal scores give the same lists every time.
    order = np.lexsort((part, -part_scores), axis=1)
    indices = np.take_along_axis(part, order, axis=1).astype(np.int32)
    scores = np.take_along_axis(part_scores, order, axis=1).astype(np.float32)
    indices[~np.isfinite(scores)] = -1
    return indices, scores


def _mask(block: np.ndarray, rows: sp.csr_matrix) -> None:
    rows = rows.tocoo()
    block[rows.row, rows.col] = -np.inf


def leading_entries(matrix: sp.csr_matrix, k: int, by_size: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(indices, values), rows x k: each row's k largest stored entries (by absolute value with ``by_size``),
    largest first, ties in stored order; -1 and 0 where a row has fewer. The neighbour files' layout."""
    indices = np.full((matrix.shape[0], k), -1, dtype=np.int32)
    values = np.zeros((matrix.shape[0], k), dtype=np.float32)
    for item in range(matrix.shape[0]):
        row = matrix[item]
        order = np.argsort(-(np.abs(row.data) if by_size else row.data), kind="stable")[:k]
        indices[item, :len(order)] = row.indices[order]
        values[item, :len(order)] = row.data[order]
    return indices, values


def csr_arrays(matrix: sp.csr_matrix) -> dict[str, np.ndarray]:
    matrix = matrix.tocsr()
    return {"data": matrix.data.astype(np.float32), "indices": matrix.indices.astype(np.int32),
            "indptr": matrix.indptr.astype(np.int64), "shape": np.asarray(matrix.shape, dtype=np.int64)}


def csr_from_arrays(arrays: dict[str, np.ndarray], prefix: str) -> sp.csr_matrix:
    shape = tuple(int(n) for n in arrays[f"{prefix}shape"])
    return sp.csr_matrix((arrays[f"{prefix}data"], arrays[f"{prefix}indices"], arrays[f"{prefix}indptr"]),
                         shape=shape)


def check_finite(name: str, *arrays: np.ndarray) -> None:
    for array in arrays:
        if not np.all(np.isfinite(array)):
            raise ModelDiverged(f"{name} produced NaN or infinite values; lower its learning rate")


def json_default(value: Any) -> Any:
    """``json.dumps(default=...)`` for numpy scalars and arrays."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class FactorRecommender(Recommender):
    """A model scored by user and item factor matrices (MF, ALS): score, similarity and storage in common."""

    user_factors: np.ndarray
    item_factors: np.ndarray

    def score(self, user_indices: np.ndarray) -> np.ndarray:
        return self.user_factors[np.atleast_1d(user_indices)] @ self.item_factors.T

    def item_similarity(self, item_indices):
        factors = self.item_factors / np.maximum(np.linalg.norm(self.item_factors, axis=1, keepdims=True), 1e-9)
        return factors[np.atleast_1d(item_indices)] @ factors.T

    def _state(self):
        return {"user_factors": self.user_factors, "item_factors": self.item_factors}

    def _restore(self, arrays, facts, folder):
        self.user_factors = arrays["user_factors"]
        self.item_factors = arrays["item_factors"]
