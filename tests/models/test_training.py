"""train_all writes one whole artefact version in the contract's layout, the same for the same seed."""
from __future__ import annotations

import json

import numpy as np
import pytest

from shopgraph.models.artefacts import latest_version, read_arrays, read_ids, read_metadata
from shopgraph.models.features import FEATURES
from shopgraph.models.fold_tuning import SHARES
from shopgraph.models.ranker_inference import MultiRanker
from shopgraph.models.training import MODELS, NothingToLearn, train_all
from shopgraph.models.tuning import MARGIN
from shopgraph.models.vocabulary import GENERATORS
from tests.models.conftest import SMALL_GENERATORS


@pytest.fixture(scope="module")
def version(toy_shop, tmp_path_factory):
    root = tmp_path_factory.mktemp("artefacts")
    folder = train_all(toy_shop, seed=3, progress=False, root=root, generator_params=SMALL_GENERATORS)
    return root, folder


def test_the_version_has_every_file_of_the_contract(version, toy_shop):
    root, folder = version
    assert latest_version(root) == folder
    assert folder.parent == root / "models" and len(folder.name) == len("20240101T000000Z")
    ids = read_ids(folder)
    assert ids["products"] == list(toy_shop.product_ids) and ids["users"] == list(toy_shop.user_ids)
    n_products, n_users = toy_shop.n_products, toy_shop.n_users
    for name in ("content_neighbours.npz", "bought_with.npz"):
        arrays = read_arrays(folder, name)
        assert arrays["indices"].shape == arrays["scores"].shape == (n_products, 20)
        assert arrays["indices"].dtype == np.int32 and arrays["scores"].dtype == np.float32
        missing = arrays["indices"] < 0
        assert (arrays["scores"][missing] == 0).all(), "missing neighbours are -1 with score 0"
    mf = read_arrays(folder, "mf.npz")
    assert mf["user_factors"].shape[0] == n_users and mf["product_factors"].shape[0] == n_products
    embedding = read_arrays(folder, "embedding.npz")
    assert embedding["user_vectors"].shape == (n_users, SMALL_GENERATORS["embedding"]["dimensions"])
    norms = np.linalg.norm(embedding["product_vectors"], axis=1)
    np.testing.assert_allclose(norms[norms > 0], 1.0, rtol=1e-5)
    assert (folder / "content" / "model.json").is_file(), "the content model, for new products"
    ranker = MultiRanker.load(folder)
    assert ranker.score(np.zeros((3, len(FEATURES)))).shape == (3,)


def test_metadata_names_models_weights_and_features(version, toy_shop):
    _, folder = version
    metadata = read_metadata(folder)
    assert metadata["version"] == folder.name and metadata["seed"] == 3
    assert metadata["counts"] == {"users": toy_shop.n_users, "products": toy_shop.n_products,
                                  "interactions": int(toy_shop.binary.nnz)}
    assert set(metadata["models"]) == set(MODELS)
    assert all(model["fit_seconds"] >= 0 for model in metadata["models"].values())
    assert set(metadata["hybrid"]["weights"]) == set(GENERATORS)
    assert metadata["hybrid"]["cold_start_threshold"] == 3
    assert metadata["multi"]["features"] == list(FEATURES)
    assert [learner["name"] for learner in metadata["multi"]["learners"]] == ["decision_tree", "random_forest",
                                                                  "gradient_boosting", "neural_net"]
    assert metadata["multi"]["combination"] in ("stacking", "learner")
    # the diversity cap serving applies, weighed on the validation period against no cap
    diversity = metadata["diversity"]
    assert diversity["cap"] in (None, 1, 2, 3, 4, 5) and diversity["window"] == 10
    assert set(diversity["validation_ndcg"]) == {"none", "1", "2", "3", "4", "5"}
    if diversity["cap"] is not None:
        kept = diversity["validation_ndcg"][str(diversity["cap"])]
        assert kept >= (1 - diversity["tolerance"]) * diversity["validation_ndcg"]["none"]
    # the share of a folded list that comes from a shopper's fresh products, replayed on the validation period
    fold = metadata["fold"]
    assert fold["validation_shoppers"] > 0 and fold["fresh_share"] in SHARES
    assert set(fold["validation_ndcg"]) == {str(share) for share in SHARES}
    assert fold["validation_ndcg"][str(fold["fresh_share"])] >= max(fold["validation_ndcg"].values()) * (1 - MARGIN)
    json.dumps(metadata)


def test_the_same_seed_gives_the_same_artefacts(version, toy_shop):
    root, folder = version
    again = train_all(toy_shop, seed=3, progress=False, root=root, generator_params=SMALL_GENERATORS)
    assert again != folder and latest_version(root) == again
    for name in ("content_neighbours.npz", "bought_with.npz", "mf.npz", "embedding.npz", "ranker.npz"):
        first, second = read_arrays(folder, name), read_arrays(again, name)
        for key in first:
            np.testing.assert_allclose(second[key], first[key], rtol=1e-5, atol=1e-6, err_msg=f"{name}:{key}")


def test_a_subset_of_models_trains_only_those(toy_shop, tmp_path):
    folder = train_all(toy_shop, models=["content", "collaborative"], progress=False, root=tmp_path)
    metadata = read_metadata(folder)
    assert set(metadata["models"]) == {"content", "collaborative"}
    assert (folder / "content_neighbours.npz").is_file() and not (folder / "mf.npz").exists()
    with pytest.raises(ValueError, match="unknown model"):
        train_all(toy_shop, models=["telepathy"], progress=False, root=tmp_path)


def test_nothing_to_learn_is_a_clear_error(toy_shop, tmp_path):
    empty = toy_shop.with_events(toy_shop.events.iloc[0:0])
    with pytest.raises(NothingToLearn):
        train_all(empty, progress=False, root=tmp_path)
    assert latest_version(tmp_path) is None, "no half-written version is left"
