"""The diversity cap: chosen per shop on validation data, read by serving, overridden by the shop's setting."""
from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import scipy.sparse as sp

from shopgraph.models.diversity import DiversitySettingError, cap_setting, choose_cap
from shopgraph.models.serving import RecommendationService
from tests.models.artefact_versions import publish_metadata
from tests.models.shop_fixture import AISLE


def _validation(categories: list[str], wanted: list[list[int]]):
    """Scores that rank products in id order for every shopper, and what each shopper took later."""
    n = len(categories)
    scores = np.tile(np.linspace(1.0, 0.1, n, dtype=np.float32), (len(wanted), 1))
    rows = [i for i, items in enumerate(wanted) for _ in items]
    cols = [p for items in wanted for p in items]
    relevant = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(wanted), n))
    return scores, relevant, np.array(categories, dtype=object)


def test_a_cap_that_costs_nothing_is_the_tightest_one():
    # every shopper later takes products spread over the categories the ranking already alternates
    categories = [f"c{i % 10}" for i in range(40)]
    scores, relevant, keys = _validation(categories, [[0, 1, 2], [3, 4], [5, 6, 7]] * 10)

    chosen = choose_cap(scores, relevant, keys, tolerance=0.02)

    assert chosen["cap"] == 1
    assert chosen["validation_ndcg"]["1"] == chosen["validation_ndcg"]["none"]


def test_a_cap_that_pushes_what_shoppers_want_out_of_the_top_ten_is_not_chosen():
    # one broad category holds the whole top of the ranking, and that is what shoppers later take
    categories = ["drama"] * 12 + [f"other{i}" for i in range(28)]
    scores, relevant, keys = _validation(categories, [[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]] * 10)

    chosen = choose_cap(scores, relevant, keys, tolerance=0.02)

    assert chosen["cap"] is None
    figures = chosen["validation_ndcg"]
    assert figures["3"] < figures["5"] < figures["none"]


def test_the_shop_setting_is_read_and_a_bad_one_is_refused(monkeypatch):
    monkeypatch.setenv("SHOPGRAPH_DIVERSITY_CAP", "off")
    assert cap_setting() is None
    monkeypatch.setenv("SHOPGRAPH_DIVERSITY_CAP", "2")
    assert cap_setting() == 2
    monkeypatch.delenv("SHOPGRAPH_DIVERSITY_CAP")
    assert cap_setting() == "auto"
    monkeypatch.setenv("SHOPGRAPH_DIVERSITY_CAP", "lots")
    with pytest.raises(DiversitySettingError, match="SHOPGRAPH_DIVERSITY_CAP"):
        cap_setting()


def _version_choosing(graph, folder, cap):
    publish_metadata(graph, folder, {"diversity": {"cap": cap, "window": 10}}, "20260101T000000Z")


@pytest.mark.parametrize("user", ["alice", "dave", "frank"])
def test_serving_uses_the_cap_training_chose(tiny_shop, tmp_path, monkeypatch, user):
    monkeypatch.delenv("SHOPGRAPH_DIVERSITY_CAP", raising=False)
    _version_choosing(tiny_shop, tmp_path, 1)

    items = RecommendationService(tiny_shop, artefacts_dir=tmp_path).recommend(user, 10)

    # four aisles in the shop: with a cap of one, the first four places show each aisle once
    aisles = [AISLE[item.product_id[0]] for item in items[:4]]
    assert len(set(aisles)) == len(aisles) == 4, aisles


def test_the_shop_setting_overrides_what_training_chose(tiny_shop, tmp_path, monkeypatch):
    _version_choosing(tiny_shop, tmp_path, 1)
    # The built-in candidates only: the shipped strategy files would add their own, and this fixture's top ten
    # stays the same ten products under the cap only while what is ranked is what it was written for.
    monkeypatch.setenv("SHOPGRAPH_CANDIDATE_SOURCES", "off")
    monkeypatch.setenv("SHOPGRAPH_DIVERSITY_CAP", "off")
    uncapped = RecommendationService(tiny_shop, artefacts_dir=tmp_path)
    monkeypatch.delenv("SHOPGRAPH_DIVERSITY_CAP")
    capped = RecommendationService(tiny_shop, artefacts_dir=tmp_path)

    lists = {user: ([i.product_id for i in uncapped.recommend(user, 10)],
                    [i.product_id for i in capped.recommend(user, 10)]) for user in ("alice", "bob", "dave", "erin")}

    # the same products, but without the cap some shopper's top four repeat an aisle
    assert all(sorted(off) == sorted(on) for off, on in lists.values())
    assert any(max(Counter(AISLE[p[0]] for p in off[:4]).values()) > 1 for off, _ in lists.values())
