"""Matrix factorisation for implicit feedback, trained in TensorFlow.

The weighted objective of Hu, Koren & Volinsky (2008): every (shopper, product) cell has a
preference (1 if taken, else 0) and a confidence (``1 + alpha * log1p(weight)`` when taken, else
``unobserved_weight``); we minimise the confidence-weighted squared error plus an L2 penalty by
full-batch gradient descent (Adam). The unobserved cells are never enumerated: their term is
``w0 * sum(s^2)`` over all cells, which equals ``w0 * <X'X, Y'Y>`` (the Gramian trick of iALS),
minus the observed cells' share; its gradient is ``2 w0 X (Y'Y)``. Factors go to ``mf.npz`` and onto the graph's nodes.
"""
from __future__ import annotations

import numpy as np

from shopgraph.models.base import FactorRecommender, check_finite
from shopgraph.models.data import Interactions
from shopgraph.models.tf_support import tensorflow


class MFRecommender(FactorRecommender):
    name = "mf"
    defaults = {"factors": 64, "alpha": 10.0, "unobserved_weight": 1.0, "l2": 1.0, "steps": 150,
                "learning_rate": 0.05, "seed": 42}

    def _fit(self, interactions: Interactions) -> None:
        tf = tensorflow(self.params["seed"])
        cells = interactions.matrix.tocoo()
        cells.sum_duplicates()
        users = tf.constant(cells.row.astype(np.int32))
        items = tf.constant(cells.col.astype(np.int32))
        positions = tf.constant(np.stack([cells.row, cells.col], axis=1).astype(np.int64))
        shape = (interactions.n_users, interactions.n_products)
        confidence = tf.constant((1.0 + self.params["alpha"] * np.log1p(cells.data)).astype(np.float32))
        w0 = float(self.params["unobserved_weight"])
        l2 = float(self.params["l2"])
        d = int(self.params["factors"])
        rng = np.random.default_rng(int(self.params["seed"]))
        scale = 1.0 / np.sqrt(d)
        x = tf.Variable(rng.normal(0, scale, (interactions.n_users, d)).astype(np.float32))
        y = tf.Variable(rng.normal(0, scale, (interactions.n_products, d)).astype(np.float32))
        optimizer = tf.keras.optimizers.Adam(float(self.params["learning_rate"]))

        # The gradient is written out: through a sparse matrix of per-cell coefficients it costs two
        # sparse products, where autodiff through gathers would scatter 64-d rows one cell at a time.
        @tf.function
        def step():
            s = tf.reduce_sum(tf.gather(x, users) * tf.gather(y, items), axis=1)
            # d/ds of c (1 - s)^2 - w0 s^2: the observed cells' part of the loss.
            coefficient = tf.sparse.SparseTensor(positions, -2.0 * confidence * (1.0 - s) - 2.0 * w0 * s, shape)
            grad_x = (tf.sparse.sparse_dense_matmul(coefficient, y)
                      + 2.0 * w0 * tf.matmul(x, tf.matmul(y, y, transpose_a=True)) + 2.0 * l2 * x)
            grad_y = (tf.sparse.sparse_dense_matmul(coefficient, x, adjoint_a=True)
                      + 2.0 * w0 * tf.matmul(y, tf.matmul(x, x, transpose_a=True)) + 2.0 * l2 * y)
            optimizer.apply_gradients([(grad_x, x), (grad_y, y)])

        for _ in range(int(self.params["steps"])):
            step()
        self.user_factors = x.numpy()
        self.item_factors = y.numpy()
        check_finite(self.name, self.user_factors, self.item_factors)
