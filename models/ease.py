"""EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): a peer, not a ShopGraph
strategy. A closed-form item-item linear model, B = I - P / diag(P) with P = (X'X + lambda I)^-1,
known to be very strong on MovieLens; we run it beside our models to measure them honestly.
"""
from __future__ import annotations

import numpy as np

from shopgraph.models.base import Recommender
from shopgraph.models.data import Interactions


class EASERecommender(Recommender):
    name = "ease"
    defaults = {"l2": 500.0}

    def _fit(self, interactions: Interactions) -> None:
        x = interactions.binary
        gram = (x.T @ x).toarray().astype(np.float64)
        gram[np.diag_indices_from(gram)] += float(self.params["l2"])
        precision = np.linalg.inv(gram)
        weights = precision / (-np.diag(precision))
        weights[np.diag_indices_from(weights)] = 0.0
        self.weights = weights.astype(np.float32)

    def score(self, user_indices: np.ndarray) -> np.ndarray:
        return np.asarray(self._require_fitted()[np.atleast_1d(user_indices)] @ self.weights)

    def item_similarity(self, item_indices):
        return self.weights[np.atleast_1d(item_indices)]

    def _state(self):
        return {"weights": self.weights}

    def _restore(self, arrays, facts, folder):
        self.weights = arrays["weights"]
