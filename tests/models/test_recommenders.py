"""The interface contract, for every recommender: fit, recommend without training products, save, load
and the same lists again."""
from __future__ import annotations

import numpy as np
import pytest

from shopgraph.models.als import ALSRecommender
from shopgraph.models.base import NotFitted, Recommender
from shopgraph.models.collaborative import CollaborativeRecommender, ItemItemRecommender, UserUserRecommender
from shopgraph.models.content import ContentRecommender
from shopgraph.models.ease import EASERecommender
from shopgraph.models.embedding import EmbeddingRecommender
from shopgraph.models.hybrid import HybridRecommender
from shopgraph.models.item_regression import ItemRegressionRecommender
from shopgraph.models.mf import MFRecommender
from shopgraph.models.multi import MultiRecommender
from shopgraph.models.popularity import PopularityRecommender, TrendingRecommender
from tests.models.conftest import SMALL_GENERATORS

VALIDATION = {"kind": "temporal", "days": 30}


def build(name: str) -> Recommender:
    return {
        "popular": lambda: PopularityRecommender(),
        "trending": lambda: TrendingRecommender(half_life_days=7),
        "content": lambda: ContentRecommender(),
        "bought_with": lambda: ItemItemRecommender(neighbours=10),
        "similar_shoppers": lambda: UserUserRecommender(neighbours=10),
        "collaborative": lambda: CollaborativeRecommender(**SMALL_GENERATORS["collaborative"]),
        "item_regression": lambda: ItemRegressionRecommender(l2=5.0, neighbours=5),
        "mf": lambda: MFRecommender(**SMALL_GENERATORS["mf"]),
        "embedding": lambda: EmbeddingRecommender(**SMALL_GENERATORS["embedding"]),
        "ease": lambda: EASERecommender(l2=10.0),
        "als": lambda: ALSRecommender(factors=8, iterations=3),
        "hybrid": lambda: HybridRecommender(validation=VALIDATION, generator_params=SMALL_GENERATORS, rounds=1),
        "multi": lambda: MultiRecommender(validation=VALIDATION, generator_params=SMALL_GENERATORS,
                                          per_generator=10, mlp_epochs=2),
    }[name]()


NAMES = ["popular", "trending", "content", "bought_with", "similar_shoppers", "collaborative", "item_regression", "mf",
         "embedding", "ease", "als", "hybrid", "multi"]


@pytest.fixture(scope="module", params=NAMES)
def fitted(request, toy_shop):
    return build(request.param).fit(toy_shop)


def active_users(toy_shop):
    return toy_shop.active_users()


def test_recommendations_leave_out_what_the_shopper_already_took(fitted, toy_shop):
    users = active_users(toy_shop)
    indices, scores = fitted.recommend(users, k=5)
    assert indices.shape == scores.shape == (len(users), 5)
    for user, row in zip(users, indices, strict=True):
        taken = set(toy_shop.binary[user].indices)
        assert not taken & set(row[row >= 0].tolist()), f"{fitted.name} recommended a product user {user} took"
    finite = np.isfinite(scores)
    assert np.all(np.diff(np.where(finite, scores, -np.inf), axis=1) <= 1e-6), "lists are best first"
    assert (indices >= 0).sum(axis=1).min() >= 3, f"{fitted.name} left lists nearly empty"


def test_saved_and_loaded_model_gives_the_same_lists(fitted, toy_shop, tmp_path):
    users = np.arange(toy_shop.n_users)
    before_indices, before_scores = fitted.recommend(users, k=5)
    fitted.save(tmp_path / fitted.name)
    loaded = Recommender.load(tmp_path / fitted.name)
    assert type(loaded) is type(fitted) and loaded.params == fitted.params
    after_indices, after_scores = loaded.recommend(users, k=5)
    np.testing.assert_array_equal(after_indices, before_indices)
    np.testing.assert_allclose(after_scores, before_scores, rtol=1e-5)


def test_saved_files_are_json_and_plain_arrays(fitted, tmp_path):
    folder = fitted.save(tmp_path / "saved")
    for path in folder.rglob("*.npz"):
        with np.load(path, allow_pickle=False) as arrays:  # raises on any pickled object
            assert all(arrays[key].dtype != object for key in arrays.files)
    assert not [p for p in folder.rglob("*") if p.suffix in (".pkl", ".pickle", ".joblib", ".keras", ".h5")]


def test_excluded_products_are_left_out(fitted, toy_shop):
    import scipy.sparse as sp

    users = active_users(toy_shop)[:5]
    first, _ = fitted.recommend(users, k=3)
    exclude = sp.lil_matrix((toy_shop.n_users, toy_shop.n_products), dtype=np.float32)
    for user, row in zip(users, first, strict=True):
        exclude[user, row[0]] = 1.0
    again, _ = fitted.recommend(users, k=3, exclude=exclude.tocsr())
    for row_before, row_after in zip(first, again, strict=True):
        assert row_before[0] not in row_after


def test_unfitted_models_say_so():
    with pytest.raises(NotFitted):
        PopularityRecommender().recommend([0])


def test_unknown_parameters_are_refused():
    with pytest.raises(TypeError, match="no parameter"):
        EASERecommender(lambda_=3)


def test_a_shopper_with_no_history_still_gets_a_full_list_from_the_hybrid(toy_shop):
    hybrid = build("hybrid").fit(toy_shop)
    newcomer = toy_shop.user_index["newcomer"]
    indices, _ = hybrid.recommend([newcomer], k=5)
    assert (indices[0] >= 0).all()
    trending = TrendingRecommender(half_life_days=hybrid.generators["trending"].params["half_life_days"]).fit(toy_shop)
    assert set(indices[0]) & set(trending.recommend([newcomer], k=5)[0][0]), "cold start leans on trending"


def test_tensorflow_models_repeat_with_the_same_seed(toy_shop):
    first = MFRecommender(**SMALL_GENERATORS["mf"], seed=5).fit(toy_shop)
    second = MFRecommender(**SMALL_GENERATORS["mf"], seed=5).fit(toy_shop)
    np.testing.assert_allclose(first.user_factors, second.user_factors, rtol=1e-5, atol=1e-6)
    other = MFRecommender(**SMALL_GENERATORS["mf"], seed=6).fit(toy_shop)
    assert not np.allclose(first.user_factors, other.user_factors)


def test_collaborative_neighbours_come_from_the_same_aisle(toy_shop):
    model = ItemItemRecommender(neighbours=10).fit(toy_shop)
    indices, scores = model.bought_with(k=3)
    aisle = toy_shop.catalog["category"].to_numpy()
    path = toy_shop.catalog["categoryPath"].to_numpy()
    teapot = toy_shop.product_index["k0"]
    assert indices.shape == (toy_shop.n_products, 3) and scores.dtype == np.float32
    same = [path[j] == path[teapot] for j in indices[teapot] if j >= 0]
    assert sum(same) >= 2, "shoppers who buy a teapot mostly buy more kitchen things"
    assert (scores >= 0).all() and (scores <= 1).all()
    assert aisle[teapot] == "Home"


def test_the_embedding_repeats_in_a_fresh_process(toy_shop, tmp_path):
    """Nothing may hang on Python's per-process string hashing (e.g. the order of a set of categories)."""
    import subprocess
    import sys

    script = (
        "import sys, numpy as np\n"
        "from tests.models.synthetic import synthetic_tables\n"
        "from shopgraph.models.data import Interactions\n"
        "from shopgraph.models.embedding import EmbeddingRecommender\n"
        "model = EmbeddingRecommender(dimensions=8, steps=10).fit(Interactions.from_tables(synthetic_tables()))\n"
        "np.save(sys.argv[1], model.item_vectors)\n"
    )
    for run, hash_seed in enumerate(("1", "2")):
        subprocess.run([sys.executable, "-c", script, str(tmp_path / f"run{run}.npy")], check=True,
                       env={**__import__("os").environ, "PYTHONHASHSEED": hash_seed}, capture_output=True)
    np.testing.assert_array_equal(np.load(tmp_path / "run0.npy"), np.load(tmp_path / "run1.npy"))
