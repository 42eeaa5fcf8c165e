"""The multi ranker serves the stacking or one learner alone, whichever ranks held-out validation shoppers better."""
from __future__ import annotations

import numpy as np

from shopgraph.models.multi import _choose_combination
from shopgraph.models.ranker_inference import MultiRanker
from shopgraph.models.tuning import MARGIN

STACKING = {"kind": "stacking", "weights": [0.5, 0.5], "intercept": 0.0, "learners": ["forest", "network"]}


def shoppers(n_users: int = 200, per_user: int = 30, seed: int = 0):
    rng = np.random.default_rng(seed)
    users = np.repeat(np.arange(n_users), per_user)
    labels = (rng.random(len(users)) < 0.1).astype(np.int8)
    return users, labels, rng


def test_a_learner_that_ranks_better_than_the_stacking_is_served_alone():
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(200), 30)
    rate = rng.uniform(0.02, 0.4, size=200)[users]
    labels = (rng.random(len(users)) < rate).astype(np.int8)
    # The forest knows which shoppers buy a lot but not what: pointwise that predicts, so the stacker weighs it,
    # and its noise within each shopper spoils the ranking the network alone gets right.
    forest = np.log(rate / (1 - rate)) * 3.0 + rng.normal(scale=2.0, size=len(users))
    network = labels * 1.5 + rng.normal(scale=0.8, size=len(users))
    logits = np.stack([forest, network], axis=1)

    chosen = _choose_combination(STACKING, ["forest", "network"], logits, labels, users, rng)

    assert chosen["kind"] == "learner" and chosen["learner"] == "network"
    assert chosen["validation_ndcg"]["network"] > chosen["validation_ndcg"]["stacking"] * (1 + MARGIN)


def test_a_learner_within_the_noise_margin_of_the_stacking_leaves_the_stacking_served():
    users, labels, rng = shoppers(seed=2)
    signal = labels * 2.0 + rng.normal(scale=0.5, size=len(users))
    # Two learners that rank alike: the stacking of both ranks as well as either, give or take noise.
    logits = np.stack([signal + rng.normal(scale=0.05, size=len(users)), signal], axis=1)

    chosen = _choose_combination(STACKING, ["forest", "network"], logits, labels, users, rng)

    figures = chosen["validation_ndcg"]
    assert abs(figures["network"] - figures["stacking"]) <= MARGIN * figures["stacking"]
    assert chosen["kind"] == "stacking"


def test_the_stacking_stays_when_each_learner_sees_half_of_the_answer():
    users, labels, rng = shoppers(seed=1)
    half = rng.random(len(users)) < 0.5
    logits = np.stack([np.where(half, labels * 3.0, 0.0) + rng.normal(scale=0.2, size=len(users)),
                       np.where(~half, labels * 3.0, 0.0) + rng.normal(scale=0.2, size=len(users))], axis=1)

    chosen = _choose_combination(STACKING, ["forest", "network"], logits, labels, users, rng)

    assert chosen["kind"] == "stacking" and chosen["weights"] == STACKING["weights"]
    assert chosen["validation_ndcg"]["stacking"] >= max(chosen["validation_ndcg"]["forest"],
                                                        chosen["validation_ndcg"]["network"])


def test_a_ranker_that_serves_one_learner_scores_with_it_alone():
    spec = {"features": ["x"], "combination": {"kind": "learner", "learner": "network"},
            "learners": [{"name": "network", "kind": "mlp", "activations": ["sigmoid"], "layers": [1]}]}
    arrays = {"network.mean": np.zeros(1), "network.scale": np.ones(1), "network.W0": np.array([[2.0]]),
              "network.b0": np.zeros(1)}
    ranker = MultiRanker(spec, arrays)
    rows = np.array([[0.0], [1.0], [-1.0]])

    np.testing.assert_allclose(ranker.score(rows), ranker.learner_score("network", rows))
    assert np.argsort(-ranker.score(rows)).tolist() == [1, 0, 2]
