"""The multi ranker scored from exported arrays with numpy alone gives what scikit-learn and Keras give."""
from __future__ import annotations

import numpy as np
import pytest

from shopgraph.models.features import FEATURES, CandidateBlock
from shopgraph.models.multi import train_ranker
from shopgraph.models.ranker_inference import MultiRanker
from shopgraph.models.tuning import MARGIN


@pytest.fixture(scope="module")
def trained():
    rng = np.random.default_rng(0)
    n = 4000
    x = rng.normal(size=(n, len(FEATURES))).astype(np.float32)
    x[:, 3] = rng.integers(0, 5, n)  # a few discrete columns, where thresholds fall between values
    signal = 1.5 * x[:, 0] - x[:, 1] + 0.8 * (x[:, 3] > 2) + rng.normal(scale=0.5, size=n)
    labels = (signal > 1.0).astype(np.int8)
    block = CandidateBlock(users=np.repeat(np.arange(200), 20), products=np.tile(np.arange(20), 200), features=x)
    ranker, fitted = train_ranker(block, labels, seed=1, max_rows=3000, stack_share=0.25, mlp_epochs=3)
    test = rng.normal(size=(500, len(FEATURES))).astype(np.float32)
    test[:, 3] = rng.integers(0, 5, 500)
    return ranker, fitted, test


@pytest.mark.parametrize("name", ["decision_tree", "random_forest", "gradient_boosting"])
def test_tree_learners_match_scikit_learn(trained, name):
    ranker, fitted, test = trained
    expected = fitted[name].predict_proba(test)[:, 1]
    np.testing.assert_allclose(ranker.learner_score(name, test), expected, rtol=1e-6, atol=1e-9)


def test_neural_network_matches_keras(trained):
    ranker, fitted, test = trained
    network = fitted["neural_net"]
    mean, scale = ranker.arrays["neural_net.mean"], ranker.arrays["neural_net.scale"]
    expected = network.predict(((test - mean) / scale).astype(np.float32), verbose=0)[:, 0]
    np.testing.assert_allclose(ranker.learner_score("neural_net", test), expected, rtol=1e-4, atol=1e-5)


def test_the_combination_stacks_the_learners_and_ranks_the_signal_first(trained):
    ranker, _, test = trained
    combination = ranker.spec["combination"]
    figures = combination["validation_ndcg"]
    assert set(figures) == {"stacking", "decision_tree", "random_forest", "gradient_boosting", "neural_net"}
    # Served: the stacking of the four, or the one learner that ranked held-out validation shoppers better.
    # A learner replaces the stacking only when it is better by more than the noise margin.
    if combination["kind"] == "stacking":
        assert len(combination["weights"]) == 4 and figures["stacking"] * (1 + MARGIN) >= max(figures.values())
    else:
        assert combination["kind"] == "learner"
        assert figures[combination["learner"]] > figures["stacking"] * (1 + MARGIN)
    combined = ranker.score(test)
    assert combined.shape == (500,) and np.all((combined >= 0) & (combined <= 1))
    signal = 1.5 * test[:, 0] - test[:, 1]
    assert np.corrcoef(combined, signal)[0, 1] > 0.5


def test_saved_ranker_scores_the_same_and_checks_its_columns(trained, tmp_path):
    ranker, _, test = trained
    ranker.save(tmp_path)
    loaded = MultiRanker.load(tmp_path)
    np.testing.assert_array_equal(loaded.score(test), ranker.score(test))
    assert loaded.features == list(FEATURES)
    with pytest.raises(ValueError, match="features"):
        loaded.score(test[:, :5])
