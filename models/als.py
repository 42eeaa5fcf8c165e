"""``implicit``'s alternating least squares (Hu, Koren & Volinsky 2008): a peer we measure against.

Confidence is ``1 + alpha * weight`` as in the paper; ``implicit`` is asked for one thread per core
it may use (the machine has two) and a fixed random state, so runs repeat.
"""
from __future__ import annotations

import warnings

import numpy as np

from shopgraph.models.base import FactorRecommender, check_finite
from shopgraph.models.data import Interactions


class ALSRecommender(FactorRecommender):
    name = "als"
    defaults = {"factors": 64, "regularization": 0.05, "alpha": 10.0, "iterations": 15, "seed": 42}

    def _fit(self, interactions: Interactions) -> None:
        from implicit.cpu.als import AlternatingLeastSquares
        from threadpoolctl import threadpool_limits

        # implicit parallelises itself; BLAS threads on top of that only slow it down. Its check (on
        # construction) still warns about a BLAS library it sees that the limit does not reach.
        with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="OpenBLAS is configured", category=RuntimeWarning)
            model = AlternatingLeastSquares(
                factors=int(self.params["factors"]), regularization=float(self.params["regularization"]),
                alpha=float(self.params["alpha"]), iterations=int(self.params["iterations"]),
                random_state=int(self.params["seed"]), num_threads=2, calculate_training_loss=False,
            )
            model.fit(interactions.matrix.tocsr(), show_progress=False)
        self.user_factors = np.asarray(model.user_factors, dtype=np.float32)
        self.item_factors = np.asarray(model.item_factors, dtype=np.float32)
        check_finite(self.name, self.user_factors, self.item_factors)
