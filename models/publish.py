"""Publishing a trained artefact version into the graph, where serving reads it.

``publish(graph, folder)`` writes, from the files of notes/models-contract.md:
- ``content_neighbours.npz`` -> ``(:Product)-[:SIMILAR_TO {score, model: "tfidf"}]->(:Product)``
- ``bought_with.npz``        -> ``(:Product)-[:BOUGHT_WITH {score, model: "cooc"}]->(:Product)``
- ``embedding.npz``          -> ``Product.embedding`` / ``User.embedding`` (64 floats, the vector indexes)
- ``mf.npz``                 -> ``Product.mf`` / ``User.mf``
and last a ``(:ModelVersion {version})`` node, the sign serving waits for before reloading vectors.
Edges and vectors are written first and the previous version's are retired after, so the shop never shows
an empty "similar items" row while a version is being published. A file the version lacks leaves the
graph's current edges or vectors alone: a version trained on a catalogue without interactions
(``models.training.train_catalogue``) holds only content neighbours, and publishing it writes SIMILAR_TO
and the ModelVersion and nothing else.

``publish_new_products(graph, product_ids)`` gives products loaded after training their SIMILAR_TO
neighbours at once: with the trained text model when there is one, else by shared category, brand and tags.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from graph import queries
from models.artefacts import read_arrays, read_ids, read_metadata
from models.serving_artefacts import newest_version

EMBEDDING_DIMENSIONS = 64
BATCH_SIZE = 5000

#: ``progress(stage, total)`` returns a callback taking the number of rows just written.
Progress = Callable[[str, int], Callable[[int], None]]


class PublishError(ValueError):
    """The artefact folder cannot be published (missing ids, wrong vector sizes...)."""


@dataclass
class PublishSummary:
    version: str
    similar_to: int = 0
    bought_with: int = 0
    product_vectors: int = 0
    user_vectors: int = 0
    seconds: float = 0.0
    #: What the version has no file for (e.g. "BOUGHT_WITH edges"), so the graph's current ones were left alone.
    absent: list[str] = field(default_factory=list)

    def report(self) -> str:
        text = (f"Published version {self.version} in {self.seconds:.1f} s: {self.similar_to:,} SIMILAR_TO and "
                f"{self.bought_with:,} BOUGHT_WITH edges, vectors on {self.product_vectors:,} products and "
                f"{self.user_vectors:,} shoppers.")
        if self.absent:
            text += f" The version has no {' or '.join(self.absent)}; any already in the graph are left alone."
        return text


def _no_progress(stage: str, total: int) -> Callable[[int], None]:
    return lambda n: None


def _load(folder: Path, name: str) -> dict[str, np.ndarray] | None:
    return read_arrays(folder, name) if (folder / name).is_file() else None


def neighbour_rows(product_ids: Sequence[str], indices: np.ndarray, scores: np.ndarray) -> Iterator[dict[str, Any]]:
    """``{from, to, score}`` per neighbour; index -1 (no neighbour) and a product's own index are skipped."""
    if indices.shape != scores.shape:
        raise PublishError(f"neighbour indices {indices.shape} and scores {scores.shape} differ in shape")
    for i, (row, row_scores) in enumerate(zip(indices, scores)):
        for j, score in zip(row, row_scores):
            if 0 <= j < len(product_ids) and j != i:
                yield {"from": product_ids[i], "to": product_ids[int(j)], "score": float(score)}


def vector_rows(ids: Sequence[str], embedding: np.ndarray | None, mf: np.ndarray | None) -> list[dict[str, Any]]:
    for name, matrix in (("embedding", embedding), ("mf", mf)):
        if matrix is not None and len(matrix) != len(ids):
            raise PublishError(f"{name} has {len(matrix)} rows for {len(ids)} ids")
    if embedding is not None and embedding.shape[1] != EMBEDDING_DIMENSIONS:
        raise PublishError(f"embeddings have {embedding.shape[1]} dimensions; the vector indexes take "
                           f"{EMBEDDING_DIMENSIONS}")
    rows = []
    for i, id_ in enumerate(ids):
        rows.append({"id": id_,
                     "embedding": embedding[i].astype(float).tolist() if embedding is not None else None,
                     "mf": mf[i].astype(float).tolist() if mf is not None else None})
    return rows


def publish(graph, folder: Path | str, progress: Progress | None = None,
            batch_size: int = BATCH_SIZE) -> PublishSummary:
    """Write the artefact version in ``folder`` into the graph (see the module docstring)."""
    started = time.perf_counter()
    folder = Path(folder)
    progress = progress or _no_progress
    try:
        ids = read_ids(folder)
        products, users = list(ids["products"]), list(ids["users"])
    except (OSError, ValueError, KeyError) as error:
        raise PublishError(f"{folder} has no readable ids.json ({error})") from error
    metadata = _metadata(folder)
    version = str(metadata.get("version") or folder.name)
    summary = PublishSummary(version)

    for name, relationship, model, attribute in (
            ("content_neighbours.npz", "similar_to", "tfidf", "similar_to"),
            ("bought_with.npz", "bought_with", "cooc", "bought_with")):
        arrays = _load(folder, name)
        if arrays is None:
            summary.absent.append(f"{relationship.upper()} edges")
            continue
        rows = list(neighbour_rows(products, arrays["indices"], arrays["scores"]))
        written = graph.write_batches(f"publish_{relationship}", rows, batch_size,
                                      on_batch=progress(relationship.replace("_", " "), len(rows)),
                                      model=model, version=version)
        graph.run_autocommit(queries.query(f"retire_{relationship}"), version=version)
        setattr(summary, attribute, written)

    embedding, mf = _load(folder, "embedding.npz"), _load(folder, "mf.npz")
    if embedding is None and mf is None:
        summary.absent.append("vectors")
    for label, id_list, embedding_key, mf_key, attribute in (
            ("product", products, "product_vectors", "product_factors", "product_vectors"),
            ("user", users, "user_vectors", "user_factors", "user_vectors")):
        vectors = embedding[embedding_key] if embedding is not None else None
        factors = mf[mf_key] if mf is not None else None
        if vectors is None and factors is None:
            continue
        rows = vector_rows(id_list, vectors, factors)
        written = graph.write_batches(f"publish_{label}_vectors", rows, max(batch_size // 5, 1),
                                      on_batch=progress(f"{label} vectors", len(rows)), version=version)
        graph.run_autocommit(queries.query(f"retire_{label}_vectors"), version=version)
        setattr(summary, attribute, written)

    graph.write("publish_model_version", version=version, models=sorted(metadata.get("models") or {}),
                similarTo=summary.similar_to, boughtWith=summary.bought_with,
                productVectors=summary.product_vectors, userVectors=summary.user_vectors)
    summary.seconds = time.perf_counter() - started
    return summary


def _metadata(folder: Path) -> dict[str, Any]:
    try:
        return read_metadata(folder)
    except (OSError, ValueError):
        return {}


def publish_new_products(graph, product_ids: Sequence[str], artefacts_dir: Path | str | None = None,
                         per_product: int = 20) -> int:
    """Give newly loaded products SIMILAR_TO neighbours now, without retraining; returns the edges written.

    With a trained content model in the newest artefact version, its TF-IDF vocabulary places the new
    products among the catalogue it was trained on (model "tfidf"); otherwise, or for products it finds
    nothing for, the catalogue products sharing the most category, brand and tags (model
    "shared-attributes"). Either way the next training replaces these edges.
    """
    product_ids = list(dict.fromkeys(product_ids))
    if not product_ids:
        return 0
    published = graph.read_one("published_model")
    version = published["version"] if published else None
    folder = newest_version(artefacts_dir)
    written, linked = 0, set()
    if folder is not None:
        written, linked = _link_with_text_model(graph, folder, product_ids, version, per_product)
    rest = [pid for pid in product_ids if pid not in linked]
    if rest:
        rows = graph.write("link_new_products_by_attributes", productIds=rest, perProduct=per_product,
                           version=version)
        written += sum(row["neighbours"] for row in rows)
    return written


def _link_with_text_model(graph, folder: Path, product_ids: list[str], version: str | None,
                          per_product: int) -> tuple[int, set[str]]:
    """SIMILAR_TO edges from the trained TF-IDF model; (edges written, products that got some)."""
    model_folder = folder / "content"
    if not (model_folder / "model.json").is_file():
        return 0, set()
    try:
        import pandas as pd

        from models.content import new_product_neighbours
    except ImportError:
        return 0, set()
    products = pd.DataFrame(graph.read("products_for_content", productIds=product_ids))
    if products.empty:
        return 0, set()
    catalogue = list(read_ids(folder)["products"])
    indices, scores = new_product_neighbours(model_folder, products)
    rows = []
    for new_id, row, row_scores in zip(products["id"], indices[:, :per_product], scores[:, :per_product]):
        for j, score in zip(row, row_scores):
            if 0 <= j < len(catalogue) and catalogue[j] != new_id and score > 0:
                rows.append({"from": new_id, "to": catalogue[int(j)], "score": float(score)})
    written = graph.write_batches("publish_similar_to", rows, model="tfidf", version=version)
    return written, {row["from"] for row in rows}
