"""Artefact version folders written by hand for the publishing tests: the tiny shop's products and shoppers, the
neighbours given, and random vectors."""
from __future__ import annotations

import json

import numpy as np

from tests.models.shop_fixture import PRODUCTS, USERS

PRODUCT_IDS = sorted(p["id"] for p in PRODUCTS)


def neighbours(pairs: dict[str, list[tuple[str, float]]], width: int = 20):
    indices = np.full((len(PRODUCT_IDS), width), -1, dtype=np.int32)
    scores = np.zeros((len(PRODUCT_IDS), width), dtype=np.float32)
    for source, targets in pairs.items():
        for j, (target, score) in enumerate(targets):
            indices[PRODUCT_IDS.index(source), j] = PRODUCT_IDS.index(target)
            scores[PRODUCT_IDS.index(source), j] = score
    return {"indices": indices, "scores": scores}


def write_version(root, version, similar, bought, dims=64, seed=0, models=("content", "mf")):
    """A complete version folder under ``root``/models: ids, both kinds of neighbours, MF factors, embeddings."""
    folder = root / "models" / version
    folder.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    unit = lambda m: (m / np.linalg.norm(m, axis=1, keepdims=True)).astype(np.float32)  # noqa: E731
    (folder / "ids.json").write_text(json.dumps({"products": PRODUCT_IDS, "users": USERS}))
    np.savez(folder / "content_neighbours.npz", **neighbours(similar))
    np.savez(folder / "bought_with.npz", **neighbours(bought))
    np.savez(folder / "mf.npz", user_factors=rng.normal(size=(len(USERS), 8)).astype(np.float32),
             product_factors=rng.normal(size=(len(PRODUCT_IDS), 8)).astype(np.float32))
    np.savez(folder / "embedding.npz", user_vectors=unit(rng.normal(size=(len(USERS), dims))),
             product_vectors=unit(rng.normal(size=(len(PRODUCT_IDS), dims))))
    (folder / "metadata.json").write_text(json.dumps({"version": version, "models": {m: {} for m in models}}))
    return folder


def edges(graph, rel):
    """Every edge of a relationship type, by (from, to), with its score, model and version."""
    return {(row["a"], row["b"]): row for row in graph.read(
        f"MATCH (a:Product)-[r:{rel}]->(b:Product) RETURN a.id AS a, b.id AS b, r.score AS score, "
        "r.model AS model, r.version AS version")}


def publish_metadata(graph, root, metadata: dict, version: str = "20240101T000000Z"):
    """Publishes a version holding nothing but ``metadata`` (trained weights, a diversity cap...): the graph's
    trained edges and vectors stay as they are, and serving takes the version's metadata as the live one's.
    Returns its folder, where a test may add more files (a ranker) before serving first reads it."""
    from shopgraph.models.publish import publish

    folder = root / "models" / version
    folder.mkdir(parents=True)
    (folder / "ids.json").write_text(json.dumps({"products": [], "users": []}))
    (folder / "metadata.json").write_text(json.dumps({"version": version, **metadata}))
    publish(graph, folder)
    return folder
