"""Content-based: products described alike are alike (TF-IDF over their text).

Each product's text is its name (twice: titles say most), description, category path, brand and
tags. ``neighbours`` are each product's top-20 most similar products by cosine; they become the
graph's ``SIMILAR_TO`` edges. A shopper's score for a product is the summed similarity of that
product to what the shopper took, over those neighbour lists, so it is the same walk the graph does.

A product added after training gets neighbours at once: ``new_product_neighbours`` turns its text
into the fitted vocabulary's TF-IDF vector and compares it with the catalogue (no refit, no
TensorFlow).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize

from shopgraph.models.base import Recommender, csr_arrays, csr_from_arrays, top_k
from shopgraph.models.data import Interactions

NEIGHBOURS = 20
_TOKENS = r"(?u)\b[a-zA-Z][a-zA-Z0-9]+\b"


def product_text(catalog: pd.DataFrame) -> list[str]:
    """The words the content model reads for each catalogue row."""
    texts = []
    for row in catalog.itertuples(index=False):
        tags = " ".join(row.tags) if isinstance(row.tags, list) else ""
        texts.append(" ".join(part for part in (row.name, row.name, row.description, row.categoryPath,
                                                row.brand, tags) if part))
    return texts


class ContentRecommender(Recommender):
    name = "content"
    defaults = {"neighbours": NEIGHBOURS, "min_df": 1, "max_features": 50000}

    def _fit(self, interactions: Interactions) -> None:
        vectorizer = TfidfVectorizer(token_pattern=_TOKENS, lowercase=True, stop_words="english",
                                     sublinear_tf=True, min_df=int(self.params["min_df"]),
                                     max_features=int(self.params["max_features"]), dtype=np.float32)
        texts = product_text(interactions.catalog)
        if not any(text.strip() for text in texts):
            texts = ["unnamed"] * len(texts)
        self.vectors = vectorizer.fit_transform(texts).astype(np.float32).tocsr()
        self.vocabulary = np.asarray(vectorizer.get_feature_names_out(), dtype=str)
        self.idf = vectorizer.idf_.astype(np.float32)
        self.neighbour_indices, self.neighbour_scores = self._neighbours_of(self.vectors, exclude_self=True)
        self.similarity = _neighbour_matrix(self.neighbour_indices, self.neighbour_scores,
                                            self.vectors.shape[0])

    def _neighbours_of(self, vectors: sp.csr_matrix, exclude_self: bool) -> tuple[np.ndarray, np.ndarray]:
        k = min(int(self.params["neighbours"]), max(self.vectors.shape[0] - 1, 0))
        indices = np.full((vectors.shape[0], k), -1, dtype=np.int32)
        scores = np.zeros((vectors.shape[0], k), dtype=np.float32)
        for start in range(0, vectors.shape[0], 1024):
            block = (vectors[start:start + 1024] @ self.vectors.T).toarray()
            if exclude_self:
                rows = np.arange(block.shape[0])
                block[rows, rows + start] = -np.inf
            block[block <= 0] = -np.inf
            top, top_scores = top_k(block, k)
            indices[start:start + len(block)] = top
            scores[start:start + len(block)] = np.where(top >= 0, top_scores, 0.0)
        return indices, scores

    def score(self, user_indices: np.ndarray) -> np.ndarray:
        return np.asarray((self._require_fitted()[np.atleast_1d(user_indices)] @ self.similarity).todense())

    def item_similarity(self, item_indices):
        return np.asarray((self.vectors[np.atleast_1d(item_indices)] @ self.vectors.T).todense())

    def neighbours(self) -> tuple[np.ndarray, np.ndarray]:
        """(indices, scores), products x 20: each product's most similar products; -1 / 0 when missing."""
        return self.neighbour_indices, self.neighbour_scores

    def vectorize(self, catalog: pd.DataFrame) -> sp.csr_matrix:
        """TF-IDF vectors of catalogue rows (CATALOG_COLUMNS) in the fitted vocabulary."""
        counter = CountVectorizer(token_pattern=_TOKENS, lowercase=True, stop_words="english",
                                  vocabulary={term: i for i, term in enumerate(self.vocabulary)},
                                  dtype=np.float32)
        counts = counter.transform(product_text(catalog)).astype(np.float32)
        counts.data = 1.0 + np.log(counts.data)  # sublinear tf, as in fitting
        return normalize(counts @ sp.diags(self.idf), norm="l2", copy=False).tocsr()

    def neighbours_for(self, catalog: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Neighbours among the fitted catalogue for products it has never seen (rows of ``catalog``)."""
        return self._neighbours_of(self.vectorize(catalog), exclude_self=False)

    def _state(self):
        arrays = {f"vectors_{k}": v for k, v in csr_arrays(self.vectors).items()}
        arrays.update(vocabulary=self.vocabulary, idf=self.idf, neighbour_indices=self.neighbour_indices,
                      neighbour_scores=self.neighbour_scores)
        return arrays

    def _restore(self, arrays, facts, folder):
        self.vectors = csr_from_arrays(arrays, "vectors_")
        self.vocabulary = arrays["vocabulary"]
        self.idf = arrays["idf"]
        self.neighbour_indices = arrays["neighbour_indices"]
        self.neighbour_scores = arrays["neighbour_scores"]
        self.similarity = _neighbour_matrix(self.neighbour_indices, self.neighbour_scores, self.vectors.shape[0])


def new_product_neighbours(model_folder: Path | str, products: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Top-20 neighbours (indices into the artefact's product list, scores) of new products.

    ``products`` has catalogue columns (name, description, categoryPath, brand, tags); missing ones
    count as empty. The model is the one saved by ``shopgraph train`` (``<version>/content``).
    """
    model = Recommender.load(model_folder)
    if not isinstance(model, ContentRecommender):
        raise ValueError(f"{model_folder} does not hold the content model")
    rows = products.copy()
    for column in ("name", "description", "categoryPath", "brand"):
        rows[column] = rows[column].fillna("").astype(str) if column in rows else ""
    rows["tags"] = [list(t) if isinstance(t, (list, tuple, np.ndarray)) else []
                    for t in (rows["tags"] if "tags" in rows else [None] * len(rows))]
    return model.neighbours_for(rows)


def _neighbour_matrix(indices: np.ndarray, scores: np.ndarray, n: int) -> sp.csr_matrix:
    rows = np.repeat(np.arange(n), indices.shape[1])
    cols = indices.ravel()
    keep = cols >= 0
    return sp.csr_matrix((scores.ravel()[keep], (rows[keep], cols[keep])), shape=(n, n), dtype=np.float32)
