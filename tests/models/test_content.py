"""Content neighbours: alike products are neighbours, and a new product gets neighbours at once."""
from __future__ import annotations

import numpy as np
import pandas as pd

from shopgraph.models.base import Recommender
from shopgraph.models.content import ContentRecommender, new_product_neighbours


def test_neighbours_share_words_and_aisles(toy_shop):
    model = ContentRecommender().fit(toy_shop)
    indices, scores = model.neighbours()
    assert indices.shape == scores.shape == (toy_shop.n_products, min(20, toy_shop.n_products - 1))
    assert indices.dtype == np.int32 and scores.dtype == np.float32
    teapot = toy_shop.product_index["k0"]
    assert teapot not in indices[teapot]
    best = toy_shop.catalog["categoryPath"].iloc[indices[teapot][0]]
    assert best == toy_shop.catalog["categoryPath"].iloc[teapot]
    assert np.all(scores[:, :-1] >= scores[:, 1:]), "best first"


def test_a_new_product_gets_neighbours_from_the_saved_model(toy_shop, tmp_path):
    ContentRecommender().fit(toy_shop).save(tmp_path / "content")
    new = pd.DataFrame([{"name": "Garden Trowel Deluxe", "description": "A trowel for the garden.",
                         "categoryPath": "Home > Garden", "brand": "Acme", "tags": ["garden"]},
                        {"name": "Zzzz", "description": None}])
    indices, scores = new_product_neighbours(tmp_path / "content", new)
    assert indices.shape[0] == 2
    assert toy_shop.product_ids[indices[0][0]] == "g0", "the trowel is most like the trowel"
    assert scores[0][0] > 0.3
    assert (indices[1] == -1).all() and (scores[1] == 0).all(), "no shared words: no neighbours"
    assert isinstance(Recommender.load(tmp_path / "content"), ContentRecommender)
