"""The hybrid: a weighted blend of every generator's scores, weights tuned on validation data.

Each generator's scores are scaled to [0, 1] per shopper (min-max over the products they have not
taken) and summed with weights found by coordinate ascent on NDCG@10 over a validation split
carved from the training data. Shoppers with fewer than ``cold_start_threshold`` products get their
own weights over popular, trending and content only, tuned on the validation shoppers like them:
little history leans on what is selling and on what resembles the little they took.
"""
from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

from shopgraph.models.base import Recommender
from shopgraph.models.data import Interactions
from shopgraph.models.generators import GENERATORS, fit_with_validation
from shopgraph.models.splits import Split

COLD_GENERATORS = ("popular", "trending", "content")
GRID = (0.0, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0)


class HybridRecommender(Recommender):
    name = "hybrid"
    defaults = {
        "validation": {"kind": "temporal", "days": 30},
        "generator_params": {},
        "cold_start_threshold": 3,
        "tuning_users": 2000,
        "rounds": 3,
        "seed": 42,
    }

    def _fit(self, interactions: Interactions) -> None:
        split, validation_generators, generators = fit_with_validation(
            interactions, self.params["validation"], int(self.params["seed"]), self.params["generator_params"])
        self._tune(generators, validation_generators, split)

    def fit_with(self, interactions: Interactions, generators: dict[str, Recommender],
                 validation_generators: dict[str, Recommender], split: Split,
                 files: dict[str, dict[int, dict[int, float]]] | None = None) -> HybridRecommender:
        """Fit from generators already fitted on ``interactions`` and on ``split.train``. ``files`` are the
        candidate-source files' scores for the validation shoppers as of the validation period
        (``models.file_candidates``): each gets a warm weight of its own, tuned with the others'. In memory the
        blend has no graph to run them on, so ``score`` leaves them out; serving uses their weights."""
        started = time.perf_counter()
        self.seen = interactions.binary.tocsr().astype(np.float32)
        self._tune(generators, validation_generators, split, files or {})
        self.fit_seconds = time.perf_counter() - started
        return self

    def tuning_users(self, split: Split) -> np.ndarray:
        """The validation shoppers the blend is tuned on (at most ``tuning_users`` of them), in index order."""
        rng = np.random.default_rng(int(self.params["seed"]))
        users = np.array(sorted(u for u, items in split.test.items() if items), dtype=np.int64)
        if len(users) > int(self.params["tuning_users"]):
            users = np.sort(rng.choice(users, int(self.params["tuning_users"]), replace=False))
        return users

    def validation_scores(self, validation_generators: dict[str, Recommender],
                          split: Split) -> tuple[np.ndarray, sp.csr_matrix]:
        """The tuned blend over the generators fitted before the validation period, for the shoppers it was
        tuned on (their taken products at -inf), and what each took in that period: what training weighs
        choices made after ranking on (the diversity cap)."""
        users = self.tuning_users(split)
        seen = split.train.binary
        tuned = {name: model for name, model in validation_generators.items() if name in self.generators}
        total = self._blend(tuned, users, seen)
        rows = seen[users].tocoo()
        total[rows.row, rows.col] = -np.inf
        return total, _relevance(users, split.test, seen.shape[1])

    def _tune(self, generators, validation_generators, split: Split, files=None) -> None:
        self.generators = {name: generators[name] for name in GENERATORS if name in generators}
        users = self.tuning_users(split)
        seen = split.train.binary
        blocks = {name: normalised_scores(model, users, seen) for name, model in validation_generators.items()
                  if name in self.generators}
        for name, scores in sorted((files or {}).items()):
            blocks[name] = file_block(scores, users, seen)
        relevant = _relevance(users, split.test, seen.shape[1])
        history = np.diff(seen.indptr)[users]
        cold = history < int(self.params["cold_start_threshold"])
        names = [n for n in GENERATORS if n in blocks] + sorted(files or {})
        self.weights, self.validation_ndcg = coordinate_ascent(
            {n: blocks[n][~cold] for n in names}, relevant[~cold], names, int(self.params["rounds"]))
        cold_names = [n for n in COLD_GENERATORS if n in blocks]
        if cold.sum() >= 20:
            self.cold_weights, _ = coordinate_ascent({n: blocks[n][cold] for n in cold_names}, relevant[cold],
                                                     cold_names, int(self.params["rounds"]))
        else:
            self.cold_weights = {n: 1.0 if n in ("trending", "content") else 0.0 for n in cold_names}

    def score(self, user_indices):
        return self._blend(self.generators, np.atleast_1d(np.asarray(user_indices, dtype=np.int64)), self.seen)

    def _blend(self, generators: dict[str, Recommender], users: np.ndarray, seen: sp.csr_matrix) -> np.ndarray:
        """The weighted sum of ``generators``' scaled scores for ``users``, cold weights for short histories."""
        cold = np.diff(seen.indptr)[users] < int(self.params["cold_start_threshold"])
        total = np.zeros((len(users), seen.shape[1]), dtype=np.float32)
        for name, model in generators.items():
            warm_w, cold_w = self.weights.get(name, 0.0), self.cold_weights.get(name, 0.0)
            if warm_w == 0.0 and cold_w == 0.0:
                continue
            weight = np.where(cold, cold_w, warm_w).astype(np.float32)[:, None]
            total += weight * normalised_scores(model, users, seen, mask_seen=False)
        return total

    # -- persistence -------------------------------------------------------------------------
    def _facts(self):
        return {"weights": self.weights, "cold_weights": self.cold_weights,
                "validation_ndcg": self.validation_ndcg, "generators": list(self.generators)}

    def _save_parts(self, folder):
        for name, model in self.generators.items():
            model.save(folder / "generators" / name)

    def _restore(self, arrays, facts, folder):
        self.weights = facts["weights"]
        self.cold_weights = facts["cold_weights"]
        self.validation_ndcg = facts.get("validation_ndcg")
        self.generators = {name: Recommender.load(folder / "generators" / name) for name in facts["generators"]}


def normalised_scores(model: Recommender, users: np.ndarray, seen: sp.csr_matrix, mask_seen: bool = True) -> np.ndarray:
    """Scores scaled to [0, 1] per user over the products the user has not taken.

    With ``mask_seen`` those taken products are -inf (as in tuning); without, they keep their
    scaled value (possibly outside [0, 1]) and ``recommend`` filters them.
    """
    block = np.asarray(model.score(users), dtype=np.float32).copy()
    rows = seen[users].tocoo()
    masked = block.copy()
    masked[rows.row, rows.col] = np.nan
    low = np.nanmin(np.where(np.isfinite(masked), masked, np.nan), axis=1, keepdims=True)
    high = np.nanmax(np.where(np.isfinite(masked), masked, np.nan), axis=1, keepdims=True)
    low = np.nan_to_num(low, nan=0.0)
    high = np.nan_to_num(high, nan=1.0)
    span = np.where(high > low, high - low, 1.0)
    scaled = ((block - low) / span).astype(np.float32)
    if mask_seen:
        scaled[rows.row, rows.col] = -np.inf
    return scaled


def file_block(scores: dict[int, dict[int, float]], users: np.ndarray, seen: sp.csr_matrix) -> np.ndarray:
    """A candidate-source file's scores as a generator's block: per user, each product's score over the user's
    best (what ``normalised_scores`` makes of scores that are 0 off the file's rows), taken products at -inf."""
    block = np.zeros((len(users), seen.shape[1]), dtype=np.float32)
    for row, user in enumerate(users.tolist()):
        found = scores.get(user) or {}
        best = max(found.values(), default=0.0)
        if best > 0:
            block[row, list(found)] = np.array(list(found.values()), dtype=np.float32) / best
    rows = seen[users].tocoo()
    block[rows.row, rows.col] = -np.inf
    return block


def _relevance(users: np.ndarray, test: dict[int, set[int]], n_products: int) -> sp.csr_matrix:
    rows = [i for i, u in enumerate(users) for _ in test[int(u)]]
    cols = [p for u in users for p in test[int(u)]]
    return sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(users), n_products))


def ndcg_of_blocks(scores: np.ndarray, relevant: sp.csr_matrix, k: int = 10) -> float:
    """Mean NDCG@k of dense scores against a users x products relevance matrix (vectorised)."""
    if scores.shape[0] == 0:
        return 0.0
    top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1, kind="stable")
    top = np.take_along_axis(top, order, axis=1)
    hits = np.asarray(relevant[np.arange(scores.shape[0])[:, None], top].todense())
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = hits @ discounts
    sizes = np.minimum(np.diff(relevant.indptr), k)
    ideal = np.cumsum(discounts)[np.maximum(sizes - 1, 0)]
    return float(np.mean(np.where(sizes > 0, dcg / ideal, 0.0)))


def coordinate_ascent(blocks: dict[str, np.ndarray], relevant: sp.csr_matrix, names: list[str],
                      rounds: int = 3, grid: tuple[float, ...] = GRID) -> tuple[dict[str, float], float]:
    """Weights per generator maximising NDCG@10 of the blend, one weight at a time over ``grid``."""
    weights = {name: 1.0 for name in names}
    if not names or relevant.shape[0] == 0:
        return weights, 0.0

    def blend(w: dict[str, float]) -> np.ndarray:
        total = np.zeros_like(blocks[names[0]])
        for name in names:
            if w[name]:
                total += w[name] * blocks[name]
        return total

    best = ndcg_of_blocks(blend(weights), relevant)
    for _ in range(rounds):
        improved = False
        for name in names:
            for value in grid:
                if value == weights[name]:
                    continue
                trial = {**weights, name: value}
                if not any(trial.values()):
                    continue
                found = ndcg_of_blocks(blend(trial), relevant)
                if found > best + 1e-6:
                    best, weights, improved = found, trial, True
        if not improved:
            break
    return weights, best
