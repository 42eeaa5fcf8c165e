"""The ``item_regression`` generator: every product predicted from the shopper's other products by one linear
model over all of them, learnt in closed form, and served as a walk of the graph's ``PREDICTS`` edges.

Each product j gets a weight from every other product i, chosen so that the products a shopper took predict
their other products best (ridge regression of each column of the shoppers x products matrix on the other
columns, with no product allowed to predict itself). That problem has a closed-form answer, the one of EASE
(Steck 2019): with P = (X'X + l2 I)^-1, the weight of i for j is -P_ij / P_jj. It is what makes a film shop's
lists strong, where co-occurrence counts (``collaborative``) keep recommending what everyone watched.

What the shop serves must be what was trained and tuned, so the model is kept in the shape the graph walks:
- each product keeps its ``neighbours`` strongest weights, negative ones included (a product may predict
  against another: dropping those costs about 4% of the model's NDCG@10 on MovieLens), published as
  ``(:Product)-[:PREDICTS {score, version}]->(:Product)`` (``models.publish``);
- a shopper's score for j sums the weights towards j from their ``history`` latest products, every product
  counting once -- exactly what cypher/item_regression.cypher adds up from the shopper's node.
So the ranker learns from the scores serving gives, not from a full model the walk cannot reproduce. On the
MovieLens-100k protocol, 200 neighbours and 300 products keep NDCG@10 within 1% of the full model, 100 within 2.5%;
50 positive neighbours from the latest 100 products lost 12%. On Online Retail 100 neighbours lose nothing. The
shop's validation split chooses 100, 200 or 400 (``models.tuning``). Refitting each product's regression on the
neighbours it keeps (the sparse approximation of the EASE paper) gained 1% with 100 of them on MovieLens validation
shoppers and nothing with 200, so the weights are the full model's, cut.

The weights are learnt over the ``max_products`` products with most shoppers (a dense products x products
inverse: for 5,000 of them, a few dense 200 MB matrices and a few seconds); the others neither predict nor are
predicted.
"""
from __future__ import annotations

import numpy as np
import scipy.linalg
import scipy.sparse as sp

from shopgraph.models.base import Recommender, csr_arrays, csr_from_arrays, leading_entries
from shopgraph.models.data import Interactions


def latest_products(interactions: Interactions, history: int) -> sp.csr_matrix:
    """Users x products, 1 for each of a user's ``history`` most recently touched products (a purchase, rating,
    like, cart line or view: any positive event), as serving reads a shopper's latest interactions."""
    events = interactions.events
    if events.empty:
        return sp.csr_matrix((interactions.n_users, interactions.n_products), dtype=np.float32)
    last = events.groupby(["user", "product"], sort=False)["timestamp"].max().reset_index()
    last = last.sort_values(["user", "timestamp", "product"], ascending=[True, False, True])
    last = last[last.groupby("user").cumcount() < history]
    return sp.csr_matrix((np.ones(len(last), dtype=np.float32), (last["user"], last["product"])),
                         shape=(interactions.n_users, interactions.n_products))


class ItemRegressionRecommender(Recommender):
    name = "item_regression"
    defaults = {"l2": 300.0, "neighbours": 100, "history": 300, "max_products": 5000}

    def _fit(self, interactions: Interactions) -> None:
        binary = interactions.binary.tocsc()
        shoppers = np.diff(binary.indptr)
        modelled = np.sort(np.argsort(-shoppers, kind="stable")[:int(self.params["max_products"])])
        modelled = modelled[shoppers[modelled] > 0]
        self.weights = self._neighbour_weights(binary[:, modelled], modelled, interactions.n_products)
        self.user_rows = latest_products(interactions, int(self.params["history"]))

    def _neighbour_weights(self, x: sp.csc_matrix, modelled: np.ndarray, n_products: int) -> sp.csr_matrix:
        """Products x products: row i holds i's ``neighbours`` strongest weights (by size) towards other products."""
        if len(modelled) < 2:
            return sp.csr_matrix((n_products, n_products), dtype=np.float32)
        gram = (x.T @ x).toarray().astype(np.float64)
        gram[np.diag_indices_from(gram)] += float(self.params["l2"])
        # The Gram matrix plus l2 I is symmetric positive definite: a Cholesky inverse is exact and half the work.
        factor = scipy.linalg.cho_factor(gram, overwrite_a=True)
        precision = scipy.linalg.cho_solve(factor, np.eye(len(modelled)), overwrite_b=True)
        weights = -precision / np.diag(precision)[None, :]
        np.fill_diagonal(weights, 0.0)
        k = min(int(self.params["neighbours"]), len(modelled) - 1)
        top = np.argpartition(-np.abs(weights), k - 1, axis=1)[:, :k]
        scores = np.take_along_axis(weights, top, axis=1)
        keep = scores != 0
        rows = np.repeat(modelled, k)[keep.ravel()]
        return sp.csr_matrix((scores[keep].astype(np.float32), (rows, modelled[top[keep]])),
                             shape=(n_products, n_products))

    def score(self, user_indices):
        self._require_fitted()
        return np.asarray((self.user_rows[np.atleast_1d(user_indices)] @ self.weights).todense())

    def item_similarity(self, item_indices):
        return np.asarray(self.weights[np.atleast_1d(item_indices)].todense())

    def predicts(self) -> tuple[np.ndarray, np.ndarray]:
        """(indices, scores), products x ``neighbours``: each product's PREDICTS edges, largest weights first (-1 and
        0 where it has fewer)."""
        return leading_entries(self.weights, int(self.params["neighbours"]), by_size=True)

    def _state(self):
        arrays = {f"weights_{k}": v for k, v in csr_arrays(self.weights).items()}
        arrays.update({f"rows_{k}": v for k, v in csr_arrays(self.user_rows).items()})
        return arrays

    def _restore(self, arrays, facts, folder):
        self.weights = csr_from_arrays(arrays, "weights_")
        self.user_rows = csr_from_arrays(arrays, "rows_")
