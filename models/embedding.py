"""Node embeddings of the shop graph, trained in TensorFlow with LightGCN-style propagation.

The graph (built with networkx) has shoppers, products and categories as nodes; a shopper links to
each product they took, a product to its category path and top category. Every node starts with a
free 64-d vector; a node's embedding is the mean of its vector and its vector smoothed over one and
two hops of the symmetrically normalised graph (He et al. 2020, LightGCN), so products bought by the
same shoppers, or sharing a category, end up close. The vectors are learnt so that a shopper's
embedding dotted with a product's approaches 1 for products they took and 0 otherwise, weighted as
in implicit-feedback matrix factorisation (``models.mf``). Stored vectors are L2-normalised and a
product's score for a shopper is their cosine: what Neo4j's vector index searches.
"""
from __future__ import annotations

import networkx as nx
import numpy as np
import scipy.sparse as sp

from shopgraph.models.base import Recommender, check_finite
from shopgraph.models.data import Interactions
from shopgraph.models.tf_support import tensorflow


def shop_graph(interactions: Interactions) -> nx.Graph:
    """Shoppers ("u", i), products ("p", j) and categories ("c", name) with their links."""
    graph = nx.Graph()
    graph.add_nodes_from(("u", u) for u in range(interactions.n_users))
    graph.add_nodes_from(("p", p) for p in range(interactions.n_products))
    cells = interactions.binary.tocoo()
    graph.add_edges_from(zip((("u", int(u)) for u in cells.row), (("p", int(p)) for p in cells.col), strict=True))
    for product, row in enumerate(interactions.catalog.itertuples(index=False)):
        # dict.fromkeys, not a set: node order must not depend on string hashing, or runs differ.
        for category in dict.fromkeys((row.category, row.categoryPath)):
            if category:
                graph.add_edge(("p", product), ("c", category))
    return graph


def normalised_adjacency(graph: nx.Graph, nodes: list) -> sp.csr_matrix:
    """D^-1/2 A D^-1/2 over ``nodes`` (isolated nodes keep a zero row)."""
    adjacency = nx.to_scipy_sparse_array(graph, nodelist=nodes, format="csr", weight=None, dtype=np.float32)
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    inverse_root = np.where(degree > 0, 1.0 / np.sqrt(np.maximum(degree, 1e-12)), 0.0).astype(np.float32)
    scaling = sp.diags(inverse_root)
    return sp.csr_matrix(scaling @ adjacency @ scaling, dtype=np.float32)


class EmbeddingRecommender(Recommender):
    name = "embedding"
    defaults = {"dimensions": 64, "layers": 1, "alpha": 10.0, "unobserved_weight": 1.0, "l2": 1.0,
                "steps": 100, "learning_rate": 0.05, "seed": 42}

    def _fit(self, interactions: Interactions) -> None:
        tf = tensorflow(self.params["seed"])
        graph = shop_graph(interactions)
        nodes = list(graph.nodes)
        position = {node: i for i, node in enumerate(nodes)}
        # networkx keeps insertion order: shoppers first, then products, then categories.
        n_users, n_products = interactions.n_users, interactions.n_products
        assert all(position[("u", u)] == u for u in range(n_users))
        assert all(position[("p", p)] == n_users + p for p in range(n_products))
        adjacency = normalised_adjacency(graph, nodes).tocoo()
        a_hat = tf.sparse.reorder(tf.sparse.SparseTensor(
            np.stack([adjacency.row, adjacency.col], axis=1).astype(np.int64), adjacency.data, adjacency.shape))
        cells = interactions.matrix.tocoo()
        cells.sum_duplicates()
        users, items = tf.constant(cells.row.astype(np.int32)), tf.constant(cells.col.astype(np.int32))
        positions = tf.constant(np.stack([cells.row, cells.col], axis=1).astype(np.int64))
        shape = (interactions.n_users, interactions.n_products)
        confidence = tf.constant((1.0 + self.params["alpha"] * np.log1p(cells.data)).astype(np.float32))
        w0, l2 = float(self.params["unobserved_weight"]), float(self.params["l2"])
        layers = int(self.params["layers"])
        d = int(self.params["dimensions"])
        rng = np.random.default_rng(int(self.params["seed"]))
        base = tf.Variable(rng.normal(0, 1.0 / np.sqrt(d), (len(nodes), d)).astype(np.float32))
        optimizer = tf.keras.optimizers.Adam(float(self.params["learning_rate"]))
        categories = tf.zeros((len(nodes) - n_users - n_products, d))

        def propagate(vectors):
            # The propagation is linear and symmetric, so the same function carries gradients back.
            total, current = vectors, vectors
            for _ in range(layers):
                current = tf.sparse.sparse_dense_matmul(a_hat, current)
                total = total + current
            return total / float(layers + 1)

        @tf.function
        def step():
            embedded = propagate(base)
            u, p = embedded[:n_users], embedded[n_users:n_users + n_products]
            s = tf.reduce_sum(tf.gather(u, users) * tf.gather(p, items), axis=1)
            coefficient = tf.sparse.SparseTensor(positions, -2.0 * confidence * (1.0 - s) - 2.0 * w0 * s, shape)
            grad_u = (tf.sparse.sparse_dense_matmul(coefficient, p)
                      + 2.0 * w0 * tf.matmul(u, tf.matmul(p, p, transpose_a=True)))
            grad_p = (tf.sparse.sparse_dense_matmul(coefficient, u, adjoint_a=True)
                      + 2.0 * w0 * tf.matmul(p, tf.matmul(u, u, transpose_a=True)))
            grad_embedded = tf.concat([grad_u, grad_p, categories], axis=0)
            optimizer.apply_gradients([(propagate(grad_embedded) + 2.0 * l2 * base, base)])

        for _ in range(int(self.params["steps"])):
            step()
        embedded = propagate(base).numpy()
        check_finite(self.name, embedded)
        self.user_vectors = _unit(embedded[:n_users])
        self.item_vectors = _unit(embedded[n_users:n_users + n_products])

    def score(self, user_indices):
        return self.user_vectors[np.atleast_1d(user_indices)] @ self.item_vectors.T

    def item_similarity(self, item_indices):
        return self.item_vectors[np.atleast_1d(item_indices)] @ self.item_vectors.T

    def _state(self):
        return {"user_vectors": self.user_vectors, "item_vectors": self.item_vectors}

    def _restore(self, arrays, facts, folder):
        self.user_vectors = arrays["user_vectors"]
        self.item_vectors = arrays["item_vectors"]


def _unit(vectors: np.ndarray) -> np.ndarray:
    return (vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)).astype(np.float32)
