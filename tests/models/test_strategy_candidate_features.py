"""A candidate-source file after ``train_all``: its score is a column of the multi ranker and a weight of the hybrid,
learned from the graph as it stood when the validation period began; serving fills exactly the columns the ranker
was trained with, and a file removed since gives its columns nothing. The synthetic shop of tests/models/synthetic.py
(120 days of orders: a temporal validation period), written into the real Neo4j."""
from __future__ import annotations

import numpy as np
import pytest

from shopgraph.loaders.writer import write_tables
from shopgraph.models.artefacts import read_metadata
from shopgraph.models.data import interactions_from_graph
from shopgraph.models.features import ABSENT_RANK, UNREPRODUCED
from shopgraph.models.file_candidates import cutoff, seeds_before
from shopgraph.models.publish import publish
from shopgraph.models.ranker_inference import MultiRanker
from shopgraph.models.serving import CachePolicy, RecommendationService
from shopgraph.models.serving_blend import choose_seeds
from shopgraph.models.strategy_files import StrategyLibrary
from shopgraph.models.strategy_parameters import strategy_parameters
from shopgraph.models.training import train_all, validation_for
from tests.models.conftest import SMALL_GENERATORS
from tests.models.synthetic import synthetic_tables
from tests.models.test_strategy_candidate_sources import AISLE_SELLERS, write

COLUMNS = ["score_file_aisle_sellers", "rank_file_aisle_sellers"]
#: Small settings, with embeddings as wide as the graph's vector index (publish checks it).
GENERATORS_64 = {**SMALL_GENERATORS, "embedding": {"dimensions": 64, "steps": 30}}


@pytest.fixture
def synthetic_graph(graph):
    write_tables(graph, synthetic_tables(), reset=True, progress=False)
    return graph


def test_seeds_at_training_are_the_seeds_serving_chooses(synthetic_graph):
    interactions = interactions_from_graph(synthetic_graph)
    users = list(range(interactions.n_users))

    chosen = seeds_before(interactions, users)

    for user in users:
        served = strategy_parameters(synthetic_graph, str(interactions.user_ids[user]))["seeds"]
        # The same products, weighted alike: the lines of one order share a time, which the graph orders as it
        # finds them, so a product's recency may be a place or two apart.
        assert {seed["id"]: seed["weight"] for seed in chosen[user]} == pytest.approx(
            {seed["id"]: seed["weight"] for seed in served}, rel=0.15)


def test_a_candidate_source_becomes_a_ranker_column_and_a_blend_weight(synthetic_graph, tmp_path):
    write(tmp_path / "strategies", "aisle_sellers", AISLE_SELLERS)
    library = StrategyLibrary([tmp_path / "strategies"])
    interactions = interactions_from_graph(synthetic_graph)

    folder = train_all(interactions, seed=3, progress=False, root=tmp_path / "artifacts",
                       generator_params=GENERATORS_64, graph=synthetic_graph, strategy_library=library)

    metadata = read_metadata(folder)
    assert MultiRanker.load(folder).features[-2:] == COLUMNS
    assert metadata["multi"]["features"][-2:] == COLUMNS
    assert "file_aisle_sellers" in metadata["hybrid"]["weights"]
    ran = metadata["candidate_files"]
    assert ran["before"] == cutoff(interactions, validation_for(interactions)).isoformat()
    assert ran["files"]["aisle_sellers"]["shoppers_with_rows"] > 0
    assert ran["files"]["aisle_sellers"]["failed_runs"] == 0

    # served: the published version's ranker gets the file's column, its score over the shopper's best and its rank
    publish(synthetic_graph, folder)
    service = RecommendationService(synthetic_graph, artefacts_dir=tmp_path / "artifacts", strategy_library=library,
                                    caching=CachePolicy(version_check_seconds=0))
    names = list(service.artefacts.ranker().features)
    history = service.repository.history("u01")
    seeds, from_views = choose_seeds(history, service.limits.seeds)
    pool = service.sources.generate(history, seeds, service.ranker.generators("multi"))
    rows = library.candidates(synthetic_graph, "aisle_sellers", user_id="u01", k=50, seeds=seeds)
    best = max(row.score for row in rows)

    matrix = service.ranker.features(names, history, seeds, pool)

    products = list(pool.products)
    score, rank = matrix[:, names.index(COLUMNS[0])], matrix[:, names.index(COLUMNS[1])]
    expected = {row.product_id: row.score / best for row in rows}
    assert {pid: float(score[products.index(pid)]) for pid in expected} == pytest.approx(expected)
    assert float(rank[products.index(rows[0].product_id)]) == 1.0
    assert service.recommend("u01", 10, "multi"), "multi serves with the file's column"

    # a file removed since training: its columns say nothing, and multi still serves
    gone = RecommendationService(synthetic_graph, artefacts_dir=tmp_path / "artifacts",
                                 strategy_library=StrategyLibrary([tmp_path / "empty"], log=False),
                                 caching=CachePolicy(version_check_seconds=0))
    pool = gone.sources.generate(history, seeds, gone.ranker.generators("multi"))
    matrix = gone.ranker.features(names, history, seeds, pool)
    assert np.all(matrix[:, names.index(COLUMNS[0])] == 0.0)
    assert np.all(matrix[:, names.index(COLUMNS[1])] == ABSENT_RANK)
    assert len(gone.recommend("u01", 10, "multi")) == 10


def test_the_multi_ranker_ranks_only_candidates_whose_scores_serving_reproduces(synthetic_graph, tmp_path):
    """Served, the collaborative and content walks are bounded by a shopper's recent seeds, while in training those
    models score the whole history: the multi ranker is neither trained on their candidates nor served them, and
    hybrid still blends them."""
    interactions = interactions_from_graph(synthetic_graph)
    folder = train_all(interactions, seed=3, progress=False, root=tmp_path / "artifacts",
                       generator_params=GENERATORS_64, graph=synthetic_graph,
                       strategy_library=StrategyLibrary([tmp_path / "none"], log=False))
    assert MultiRanker.load(folder).spec["candidates"] == ["popular", "trending", "item_regression", "mf", "embedding"]

    publish(synthetic_graph, folder)
    service = RecommendationService(synthetic_graph, artefacts_dir=tmp_path / "artifacts",
                                    caching=CachePolicy(version_check_seconds=0))
    history = service.repository.history("u01")
    seeds, _ = choose_seeds(history, service.limits.seeds)
    multi = service.sources.generate(history, seeds, service.ranker.generators("multi")).scores
    hybrid = service.sources.generate(history, seeds, service.ranker.generators("hybrid")).scores
    assert {"item_regression", "mf"} <= set(multi) and not set(UNREPRODUCED) & set(multi)
    assert set(UNREPRODUCED) <= set(hybrid)
    assert len(service.recommend("u01", 10, "multi")) == 10
