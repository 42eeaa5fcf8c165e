"""Scoring with the multi ranker from plain arrays: numpy only, no scikit-learn, no TensorFlow.

Training (``models.multi``) exports every learner as arrays into ``ranker.npz`` and describes them
in ``ranker.json``:

- tree ensembles (decision tree, random forest, gradient boosting): all trees' nodes concatenated,
  ``<learner>.left``/``.right`` (global node index, -1 at leaves), ``.feature`` (-1 at leaves),
  ``.threshold``, ``.value`` (a leaf's class-1 probability, or for boosting its raw value) and
  ``.roots`` (each tree's root node). A row goes left when ``x[feature] <= threshold`` compared in
  float32, as scikit-learn does. Probabilities are averaged over trees; boosting sums
  ``offset + learning_rate * value`` and applies the logistic function.
- the neural network: ``<learner>.mean``/``.scale`` (feature standardisation) and ``.W0``, ``.b0``,
  ``.W1``... with the activations listed in ranker.json.
- the combination: stacking weights over the learners' logits (``combination.weights``,
  ``combination.intercept``), fitted on validation shoppers the learners did not train on; or, when one learner
  ranked those shoppers better than the stacking (``combination.validation_ndcg``), that learner alone
  (``{"kind": "learner", "learner": name}``).

``MultiRanker.load(folder).score(features)`` gives one score per row (higher is better), with the
feature columns in ranker.json's ``features`` order.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

_EPS = 1e-6


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, _EPS, 1.0 - _EPS)
    return np.log(p) - np.log1p(-p)


_ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "relu": lambda x: np.maximum(x, 0.0),
    "sigmoid": _sigmoid,
    "linear": lambda x: x,
    "tanh": np.tanh,
}


class MultiRanker:
    """The exported multi ranker: learners from several families and their combination."""

    def __init__(self, spec: dict, arrays: dict[str, np.ndarray]) -> None:
        self.spec = spec
        self.arrays = arrays
        self.features: list[str] = list(spec["features"])
        self.learners: list[dict] = list(spec["learners"])

    @classmethod
    def load(cls, folder: Path | str) -> MultiRanker:
        folder = Path(folder)
        spec = json.loads((folder / "ranker.json").read_text())
        with np.load(folder / "ranker.npz", allow_pickle=False) as stored:
            arrays = {key: stored[key] for key in stored.files}
        return cls(spec, arrays)

    def save(self, folder: Path | str) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        np.savez(folder / "ranker.npz", allow_pickle=False, **self.arrays)  # load() refuses pickles too
        (folder / "ranker.json").write_text(json.dumps(self.spec, indent=2))
        return folder

    @property
    def learner_names(self) -> list[str]:
        return [learner["name"] for learner in self.learners]

    def learner_score(self, name: str, features: np.ndarray) -> np.ndarray:
        """One learner's probability that the shopper takes the product, per row."""
        learner = next((item for item in self.learners if item["name"] == name), None)
        if learner is None:
            raise KeyError(f"no learner {name!r}; have {', '.join(self.learner_names)}")
        x = self._check(features)
        if learner["kind"] == "trees":
            leaves = self._tree_values(name, x)
            if learner["aggregate"] == "boosting":
                raw = learner["offset"] + learner["learning_rate"] * leaves.sum(axis=1)
                return _sigmoid(raw)
            return leaves.mean(axis=1)
        if learner["kind"] == "mlp":
            return self._mlp(name, learner, x)
        raise ValueError(f"unknown learner kind {learner['kind']!r}")

    def score(self, features: np.ndarray, learner: str | None = None) -> np.ndarray:
        """The combined score per row (or one learner's, when named)."""
        if learner is not None:
            return self.learner_score(learner, features)
        combination = self.spec["combination"]
        if combination["kind"] == "learner":
            return self.learner_score(combination["learner"], features)
        outputs = np.stack([self.learner_score(name, features) for name in self.learner_names], axis=1)
        if combination["kind"] == "stacking":
            weights = np.asarray(combination["weights"], dtype=np.float64)
            return _sigmoid(combination["intercept"] + _logit(outputs) @ weights)
        raise ValueError(f"unknown combination {combination['kind']!r}")

    # -- internals ---------------------------------------------------------------------------
    def _check(self, features: np.ndarray) -> np.ndarray:
        x = np.asarray(features, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != len(self.features):
            raise ValueError(f"expected rows of {len(self.features)} features ({', '.join(self.features)}), "
                             f"got shape {x.shape}")
        return x

    def _tree_values(self, name: str, x: np.ndarray) -> np.ndarray:
        """Rows x trees: the value of the leaf each row reaches in each tree."""
        left, right = self.arrays[f"{name}.left"], self.arrays[f"{name}.right"]
        feature, threshold = self.arrays[f"{name}.feature"], self.arrays[f"{name}.threshold"]
        value, roots = self.arrays[f"{name}.value"], self.arrays[f"{name}.roots"]
        # scikit-learn compares float32 features with float64 thresholds.
        x32 = x.astype(np.float32).astype(np.float64)
        node = np.broadcast_to(roots, (x.shape[0], len(roots))).copy()
        rows = np.arange(x.shape[0])[:, None]
        while True:
            split = feature[node] >= 0
            if not split.any():
                break
            chosen = np.where(split, feature[node], 0)
            go_left = x32[rows, chosen] <= threshold[node]
            node = np.where(split, np.where(go_left, left[node], right[node]), node)
        return value[node]

    def _mlp(self, name: str, learner: dict, x: np.ndarray) -> np.ndarray:
        h = (x - self.arrays[f"{name}.mean"]) / self.arrays[f"{name}.scale"]
        for i, activation in enumerate(learner["activations"]):
            h = _ACTIVATIONS[activation](h @ self.arrays[f"{name}.W{i}"] + self.arrays[f"{name}.b{i}"])
        return h[:, 0]
