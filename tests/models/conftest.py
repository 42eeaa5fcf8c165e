"""Fixtures for the model tests: the synthetic shop as Interactions, small model settings, and the tiny shop
in a real graph with a recommendation service over it."""
from __future__ import annotations

import numpy as np
import pytest

from shopgraph.models.data import Interactions
from shopgraph.models.serving import RecommendationService
from tests.models.shop_fixture import build_shop
from tests.models.synthetic import synthetic_tables

#: Generator settings small enough for tests (the TensorFlow models train for a few steps).
SMALL_GENERATORS = {
    "mf": {"factors": 8, "steps": 30},
    "embedding": {"dimensions": 8, "steps": 30},
    "collaborative": {"item_neighbours": 10, "user_neighbours": 10},
}


@pytest.fixture(scope="session")
def toy_tables():
    return synthetic_tables()


@pytest.fixture(scope="session")
def toy_shop(toy_tables) -> Interactions:
    """The synthetic shop, plus one shopper ("newcomer") with no history at all."""
    users = np.append(np.sort(toy_tables.events["user_id"].unique()), "newcomer")
    return Interactions.from_tables(toy_tables, user_ids=users)


@pytest.fixture
def tiny_shop(graph):
    """The hand-written shop of tests/models/shop_fixture.py, in the (wiped) test graph."""
    build_shop(graph)
    return graph


@pytest.fixture
def service(tiny_shop, tmp_path):
    return RecommendationService(tiny_shop, artefacts_dir=tmp_path / "artifacts")
