"""The multi-model ranker: candidates from every generator whose served scores are its trained ones
(``models.features.SCORED``), features per pair, learners from several families, combined by stacking.

Training happens on a validation period carved out of the training data (``carve_validation``):
generators fitted on what came before it propose candidates, a candidate is positive when the
shopper took it in the validation period, and four learners learn to tell: a decision tree, a
random forest and gradient boosting (scikit-learn) and a small neural network (Keras). A logistic
regression over their logits, fitted on validation shoppers the learners never saw, combines them.
Everything is exported as arrays (``ranker.npz``/``ranker.json``), and scoring runs through
``models.ranker_inference`` with numpy alone, offline exactly as in serving.
"""
from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import numpy as np

from shopgraph.models.base import Recommender, csr_arrays, csr_from_arrays
from shopgraph.models.data import Interactions
from shopgraph.models.features import SCORED, CandidateBlock, ShopFacts, candidate_features
from shopgraph.models.generators import GENERATORS, fit_with_validation
from shopgraph.models.ranker_inference import MultiRanker, _logit
from shopgraph.models.splits import Split
from shopgraph.models.tf_support import tensorflow
from shopgraph.models.tuning import MARGIN

LEARNERS = ("decision_tree", "random_forest", "gradient_boosting", "neural_net")


class MultiRecommender(Recommender):
    name = "multi"
    defaults = {
        "per_generator": 100,
        "validation": {"kind": "temporal", "days": 30},
        "generator_params": {},
        # Every positive and a sample of negatives; on MovieLens every learner ranked validation shoppers better
        # with 120,000 rows than with 60,000.
        "max_training_rows": 120_000,
        "stack_share": 0.25,
        "mlp_epochs": 8,
        "learner": None,   # None: the stacked combination; else one learner's scores
        "seed": 42,
    }

    # -- training ----------------------------------------------------------------------------
    def _fit(self, interactions: Interactions) -> None:
        split, validation_generators, generators = fit_with_validation(
            interactions, self.params["validation"], int(self.params["seed"]), self.params["generator_params"])
        self._train(interactions, generators, validation_generators, split)

    def fit_with(self, interactions: Interactions, generators: dict[str, Recommender],
                 validation_generators: dict[str, Recommender], split: Split,
                 files: dict[str, dict[int, dict[int, float]]] | None = None) -> MultiRecommender:
        """Fit from generators already fitted on ``interactions`` and on ``split.train``; ``files`` are the
        candidate-source files' scores for the validation shoppers as of the validation period
        (``models.file_candidates``), which become candidates and columns of their own."""
        started = time.perf_counter()
        self.seen = interactions.binary.tocsr().astype(np.float32)
        self._train(interactions, generators, validation_generators, split, files)
        self.fit_seconds = time.perf_counter() - started
        return self

    def _train(self, interactions, generators, validation_generators, split: Split, files=None) -> None:
        seed = int(self.params["seed"])
        users = np.array(sorted(u for u, items in split.test.items() if items), dtype=np.int64)
        pooled = {name: model for name, model in validation_generators.items() if name in SCORED}
        block = candidate_features(pooled, ShopFacts.from_interactions(split.train), users,
                                   int(self.params["per_generator"]), files=files)
        pairs = zip(block.users, block.products, strict=True)
        labels = np.fromiter((p in split.test.get(int(u), ()) for u, p in pairs),
                             dtype=bool, count=len(block)).astype(np.int8)
        self.ranker, _ = train_ranker(block, labels, seed, int(self.params["max_training_rows"]),
                                      float(self.params["stack_share"]), int(self.params["mlp_epochs"]))
        # Serving asks these generators (and the candidate-source files) for the ranker's candidates.
        self.generators = {name: generators[name] for name in GENERATORS if name in generators and name in pooled}
        self.ranker.spec["candidates"] = list(self.generators)
        self.facts = ShopFacts.from_interactions(interactions)
        wanted = sum(len(split.test[int(u)]) for u in users)
        # candidate_recall: the share of validation purchases that some generator proposed at all.
        self.training_summary = {"validation_users": int(len(users)), "candidates": int(len(block)),
                                 "positives": int(labels.sum()),
                                 "candidate_recall": float(labels.sum() / max(wanted, 1))}

    # -- answering ---------------------------------------------------------------------------
    def candidates(self, user_indices) -> CandidateBlock:
        # In memory there is no graph to run candidate-source files on: their columns stay 0 / absent.
        return candidate_features(self.generators, self.facts, user_indices, int(self.params["per_generator"]),
                                  names=self.ranker.features)

    def score(self, user_indices):
        users = np.atleast_1d(np.asarray(user_indices, dtype=np.int64))
        unique, inverse = np.unique(users, return_inverse=True)
        block = self.candidates(unique)
        scores = self.ranker.score(block.features, learner=self.params["learner"])
        # Products no generator proposed rank after every candidate, by popularity.
        out = np.tile(-1e6 + np.log1p(self.facts.interest), (len(unique), 1)).astype(np.float32)
        out[np.searchsorted(unique, block.users), block.products] = scores
        return out[inverse]

    def using(self, learner: str | None) -> MultiRecommender:
        """The same fitted ranker answering with one learner (or, with None, the combination)."""
        if learner is not None and learner not in self.ranker.learner_names:
            raise KeyError(f"no learner {learner!r}")
        view = copy.copy(self)
        view.params = {**self.params, "learner": learner}
        return view

    # -- persistence -------------------------------------------------------------------------
    def _state(self):
        facts = self.facts
        arrays = {"interest": facts.interest, "days_since_last": facts.days_since_last, "price": facts.price,
                  "category": facts.category, "repeat_rate": facts.repeat_rate, "taken": facts.taken}
        arrays.update({f"share_{k}": v for k, v in csr_arrays(facts.category_share).items()})
        return arrays

    def _facts(self):
        return {"generators": list(self.generators), "training": self.training_summary}

    def _save_parts(self, folder: Path) -> None:
        self.ranker.save(folder)
        for name, model in self.generators.items():
            model.save(folder / "generators" / name)

    def _restore(self, arrays, facts, folder):
        self.ranker = MultiRanker.load(folder)
        self.generators = {name: Recommender.load(folder / "generators" / name) for name in facts["generators"]}
        self.training_summary = facts.get("training", {})
        self.facts = ShopFacts(arrays["interest"], arrays["days_since_last"], arrays["price"], arrays["category"],
                               csr_from_arrays(arrays, "share_"), arrays["repeat_rate"], arrays["taken"], self.seen)


# -- the learners and their export -------------------------------------------------------------
def train_ranker(block: CandidateBlock, labels: np.ndarray, seed: int, max_rows: int = 120_000,
                 stack_share: float = 0.25, mlp_epochs: int = 8) -> tuple[MultiRanker, dict[str, Any]]:
    """Fit the four learners on most validation shoppers and the stacker on the rest; export arrays.

    Returns the exported ranker and the fitted learners themselves (scikit-learn estimators and
    the Keras model), which only tests and diagnostics need.
    """
    from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.tree import DecisionTreeClassifier

    if labels.sum() == 0 or labels.sum() == len(labels):
        raise ValueError("the validation period gives no positive (or no negative) candidates to learn from")
    rng = np.random.default_rng(seed)
    users = np.unique(block.users)
    stack_users = rng.choice(users, size=max(1, int(len(users) * stack_share)), replace=False)
    for_stacking = np.isin(block.users, stack_users)
    learn = np.flatnonzero(~for_stacking)
    if labels[learn].sum() == 0:
        learn = np.arange(len(labels))
    learn = _subsample(learn, labels, max_rows, rng)
    x, y = block.features[learn], labels[learn]
    arrays: dict[str, np.ndarray] = {}
    learners: list[dict[str, Any]] = []

    tree = DecisionTreeClassifier(max_depth=8, min_samples_leaf=50, random_state=seed).fit(x, y)
    learners.append(_export_forest("decision_tree", [tree], arrays))
    forest = RandomForestClassifier(n_estimators=40, max_depth=10, min_samples_leaf=30, max_features="sqrt",
                                    n_jobs=2, random_state=seed).fit(x, y)
    learners.append(_export_forest("random_forest", list(forest.estimators_), arrays))
    boosting = GradientBoostingClassifier(n_estimators=100, max_depth=4, learning_rate=0.1, subsample=0.8,
                                          random_state=seed).fit(x, y)
    learners.append(_export_boosting("gradient_boosting", boosting, arrays, x[:1]))
    mlp_spec, network = _train_mlp("neural_net", x, y, seed, mlp_epochs, arrays)
    learners.append(mlp_spec)
    fitted = {"decision_tree": tree, "random_forest": forest, "gradient_boosting": boosting, "neural_net": network}

    spec = {"features": list(block.names), "learners": learners,
            "combination": {"kind": "stacking", "weights": [1.0 / len(learners)] * len(learners), "intercept": 0.0}}
    ranker = MultiRanker(spec, arrays)
    stack = np.flatnonzero(for_stacking)
    if labels[stack].sum() > 0 and labels[stack].sum() < len(stack):
        outputs = np.stack([ranker.learner_score(name, block.features[stack]) for name in ranker.learner_names], axis=1)
        stacker = LogisticRegression(C=1.0, max_iter=1000).fit(_logit(outputs), labels[stack])
        stacking = {"kind": "stacking", "weights": stacker.coef_[0].tolist(),
                    "intercept": float(stacker.intercept_[0]), "learners": ranker.learner_names}
        spec["combination"] = _choose_combination(stacking, ranker.learner_names, _logit(outputs), labels[stack],
                                                  block.users[stack], rng)
    return MultiRanker(spec, arrays), fitted


def _choose_combination(stacking: dict[str, Any], learners: list[str], logits: np.ndarray, labels: np.ndarray,
                        users: np.ndarray, rng: np.random.Generator) -> dict[str, Any]:
    """The stacking, or the one learner that ranks the held-out validation shoppers better (NDCG@10, by more than
    ``models.tuning.MARGIN``).

    The stacker is fitted pointwise, so it may rank worse than its best learner (on MovieLens a network alone
    beats the stack by 1.5%). Both are compared on the shoppers the learners never saw, the stacker cross-fitted
    on two halves of them, so that no figure is of shoppers it was fitted on."""
    from sklearn.linear_model import LogisticRegression

    shoppers = np.unique(users)
    half = np.isin(users, rng.choice(shoppers, size=len(shoppers) // 2, replace=False))
    stacked = np.zeros(len(labels))
    for fit, apply in ((half, ~half), (~half, half)):
        if labels[fit].min() == labels[fit].max():
            return stacking
        stacked[apply] = LogisticRegression(C=1.0, max_iter=1000).fit(logits[fit], labels[fit]).decision_function(
            logits[apply])
    figures = {"stacking": _ndcg_at_10(stacked, labels, users)}
    figures.update({name: _ndcg_at_10(logits[:, i], labels, users) for i, name in enumerate(learners)})
    best = max(learners, key=lambda name: figures[name])
    rounded = {name: round(value, 5) for name, value in figures.items()}
    # As for generator settings, a difference within the margin is the validation shoppers' noise.
    if figures[best] <= figures["stacking"] * (1 + MARGIN):
        return {**stacking, "validation_ndcg": rounded}
    return {"kind": "learner", "learner": best, "validation_ndcg": rounded}


def _ndcg_at_10(scores: np.ndarray, labels: np.ndarray, users: np.ndarray) -> float:
    """Mean NDCG@10 over shoppers with a positive, each shopper's candidates ordered by ``scores``."""
    order = np.lexsort((-scores, users))
    users, labels = users[order], labels[order]
    starts = np.flatnonzero(np.r_[True, users[1:] != users[:-1]])
    discounts = 1.0 / np.log2(np.arange(2, 12))
    figures = []
    for start, stop in zip(starts, [*starts[1:], len(users)], strict=True):
        relevant = labels[start:stop]
        positives = int(relevant.sum())
        if positives:
            top = relevant[:10]
            figures.append(float(top @ discounts[:len(top)]) / float(discounts[:min(positives, 10)].sum()))
    return float(np.mean(figures)) if figures else 0.0


def _subsample(rows: np.ndarray, labels: np.ndarray, max_rows: int, rng: np.random.Generator) -> np.ndarray:
    """Every positive and a uniform sample of negatives, at most ``max_rows`` rows in all.

    Uniform sampling of negatives shifts every probability the same way, so rankings keep their order.
    """
    if len(rows) <= max_rows:
        return rows
    positive = rows[labels[rows] == 1]
    negative = rows[labels[rows] == 0]
    keep = rng.choice(negative, size=max(max_rows - len(positive), 1), replace=False)
    return np.sort(np.concatenate([positive, keep]))


def _export_forest(name: str, trees: list, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    """Classifier trees as flat arrays; a leaf's value is its class-1 probability."""
    def leaf_value(estimator):
        value = estimator.tree_.value[:, 0, :]
        classes = list(estimator.classes_)
        positive = value[:, classes.index(1)] if 1 in classes else np.zeros(len(value))
        return positive / np.maximum(value.sum(axis=1), 1e-12)

    _flatten(name, [t.tree_ for t in trees], [leaf_value(t) for t in trees], arrays)
    return {"name": name, "kind": "trees", "aggregate": "mean", "trees": len(trees)}


def _export_boosting(name: str, model, arrays: dict[str, np.ndarray], sample: np.ndarray) -> dict[str, Any]:
    trees = [stage[0] for stage in model.estimators_]
    _flatten(name, [t.tree_ for t in trees], [t.tree_.value[:, 0, 0] for t in trees], arrays)
    learning_rate = float(model.learning_rate)
    # The prior's log-odds, read back through the public API: decision = offset + lr * sum(trees).
    offset = float(model.decision_function(sample)[0] - learning_rate * sum(t.predict(sample)[0] for t in trees))
    return {"name": name, "kind": "trees", "aggregate": "boosting", "trees": len(trees),
            "learning_rate": learning_rate, "offset": offset}


def _flatten(name: str, trees: list, values: list[np.ndarray], arrays: dict[str, np.ndarray]) -> None:
    lefts, rights, features, thresholds, leaf_values, roots = [], [], [], [], [], []
    offset = 0
    for tree, value in zip(trees, values, strict=True):
        left, right = tree.children_left.astype(np.int64), tree.children_right.astype(np.int64)
        lefts.append(np.where(left >= 0, left + offset, -1))
        rights.append(np.where(right >= 0, right + offset, -1))
        features.append(np.where(left >= 0, tree.feature, -1).astype(np.int64))
        thresholds.append(tree.threshold.astype(np.float64))
        leaf_values.append(np.asarray(value, dtype=np.float64))
        roots.append(offset)
        offset += tree.node_count
    arrays[f"{name}.left"] = np.concatenate(lefts)
    arrays[f"{name}.right"] = np.concatenate(rights)
    arrays[f"{name}.feature"] = np.concatenate(features)
    arrays[f"{name}.threshold"] = np.concatenate(thresholds)
    arrays[f"{name}.value"] = np.concatenate(leaf_values)
    arrays[f"{name}.roots"] = np.asarray(roots, dtype=np.int64)


def _train_mlp(name: str, x: np.ndarray, y: np.ndarray, seed: int, epochs: int,
               arrays: dict[str, np.ndarray]) -> tuple[dict[str, Any], Any]:
    """A small Keras network (64-32-1) on standardised features; its weights exported as arrays."""
    tf = tensorflow(seed)
    mean = x.mean(axis=0).astype(np.float64)
    scale = x.std(axis=0).astype(np.float64)
    scale = np.where(scale > 1e-9, scale, 1.0)
    model = build_mlp(tf, x.shape[1])
    model.fit(((x - mean) / scale).astype(np.float32), y.astype(np.float32), batch_size=1024, epochs=epochs,
              verbose=0, shuffle=True)
    arrays[f"{name}.mean"] = mean
    arrays[f"{name}.scale"] = scale
    activations = []
    dense = [layer for layer in model.layers if layer.get_weights()]
    for i, layer in enumerate(dense):
        kernel, bias = layer.get_weights()
        arrays[f"{name}.W{i}"] = kernel.astype(np.float64)
        arrays[f"{name}.b{i}"] = bias.astype(np.float64)
        activations.append(layer.get_config()["activation"])
    layers = [int(arrays[f"{name}.W{i}"].shape[1]) for i in range(len(dense))]
    return {"name": name, "kind": "mlp", "activations": activations, "layers": layers}, model


def build_mlp(tf, n_features: int):
    keras = tf.keras
    model = keras.Sequential([
        keras.Input((n_features,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ], name="multi_mlp")
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
    return model
