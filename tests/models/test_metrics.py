"""Metrics against examples worked out by hand."""
from __future__ import annotations

import math

import numpy as np
import pytest

from shopgraph.models import metrics

RECOMMENDED = [3, 1, 7, 5]
RELEVANT = {1, 5, 9}


def test_precision_recall_and_hit_rate_count_hits_in_the_top_k():
    assert metrics.precision_at_k(RECOMMENDED, RELEVANT, 4) == 0.5
    assert metrics.recall_at_k(RECOMMENDED, RELEVANT, 4) == pytest.approx(2 / 3)
    assert metrics.hit_rate_at_k(RECOMMENDED, RELEVANT, 4) == 1.0
    assert metrics.precision_at_k(RECOMMENDED, RELEVANT, 1) == 0.0
    assert metrics.hit_rate_at_k(RECOMMENDED, RELEVANT, 1) == 0.0


def test_ndcg_discounts_by_rank_and_normalises_by_the_ideal_list():
    # hits at ranks 2 and 4; the ideal list has the 3 relevant products at ranks 1-3.
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    ideal = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert metrics.ndcg_at_k(RECOMMENDED, RELEVANT, 4) == pytest.approx(dcg / ideal)
    assert metrics.ndcg_at_k(RECOMMENDED, RELEVANT, 4) == pytest.approx(0.49819, abs=1e-5)
    # at k=2 the ideal is two hits
    assert metrics.ndcg_at_k(RECOMMENDED, RELEVANT, 2) == pytest.approx((1 / math.log2(3)) / (1 + 1 / math.log2(3)))
    assert metrics.ndcg_at_k([1, 5, 9], RELEVANT, 3) == pytest.approx(1.0)


def test_empty_slots_are_misses_and_nothing_relevant_scores_zero():
    assert metrics.ndcg_at_k([-1, 5], {5}, 2) == pytest.approx((1 / math.log2(3)) / 1.0)
    assert metrics.recall_at_k([1, 2], set(), 2) == 0.0
    assert metrics.ndcg_at_k([1, 2], set(), 2) == 0.0


def test_coverage_is_the_share_of_the_catalogue_recommended_to_anyone():
    assert metrics.catalogue_coverage([[0, 1, 8], [1, 2, 9]], n_products=10, k=2) == pytest.approx(0.3)


def test_novelty_is_the_mean_self_information_of_recommended_products():
    popularity = np.array([4, 2, 1, 0])
    # -log2(4/4)=0, -log2(2/4)=1, -log2(1/4)=2, and a product nobody took counts as one user: 2
    assert metrics.novelty([[0, 1], [2, 3]], popularity, n_users=4, k=2) == pytest.approx(1.25)


def test_mean_over_users_counts_every_test_user_even_without_recommendations():
    relevant = {0: {1}, 1: {2}}
    recommendations = {0: [1, 3]}
    assert metrics.mean_over_users(metrics.hit_rate_at_k, recommendations, relevant, 2) == 0.5
