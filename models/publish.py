"""Publishing a trained artefact version into the graph, where serving reads it, all at once or not at all.

``publish(graph, folder)`` writes, from the version's files (docs/architecture.md, "The artefact store"):
- ``content_neighbours.npz`` -> ``(:Product)-[:SIMILAR_TO {score, model: "tfidf", version}]->(:Product)``
- ``bought_with.npz``        -> ``(:Product)-[:BOUGHT_WITH {score, model: "cooc", version}]->(:Product)``
- ``predicts.npz``           -> ``(:Product)-[:PREDICTS {score, model: "item_regression", version}]->(:Product)``
  (learnt from interactions with BOUGHT_WITH, and served and retired with them: the version's
  ``boughtWithVersion``)
- ``embedding.npz``          -> ``Product`` / ``User`` embeddings (64 floats, searched through the vector indexes)
- ``mf.npz``                 -> ``Product`` / ``User`` matrix-factorisation factors
and its ``(:ModelVersion {version})`` node. Serving reads only the live version's edges and vectors, so the new
ones are written beside the live ones, tagged with their version (vectors in the other of two slots), and the
version goes live in one small write once everything is in (``graph.model_versions``: the steps, and what a
publish that dies half-way leaves). The shop never shows an empty row or a mix of two versions meanwhile.

One training at a time publishes: the publish lock (``graph.publish_lock``) is taken first, waiting up to
``lock_wait`` seconds for a publish under way (``PublishBusy`` after that).

A file the version lacks leaves the graph's current edges or vectors served: a version trained on a catalogue
without interactions (``models.training.train_catalogue``) holds only content neighbours, and publishing it
writes SIMILAR_TO and keeps serving the BOUGHT_WITH edges and vectors of the version before, if any.

``publish_new_products(graph, product_ids)`` gives products loaded after training their SIMILAR_TO neighbours at
once: with the live version's text model when there is one, else by shared category, brand and tags.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from shopgraph.graph import model_versions
from shopgraph.graph.publish_lock import LockBusy, LockLost, PublishLock
from shopgraph.models.artefacts import read_arrays, read_ids, read_metadata, version_folder

EMBEDDING_DIMENSIONS = 64
BATCH_SIZE = 5000
#: Seconds a publish waits for another training's publish to finish.
LOCK_WAIT = 15 * 60.0

#: ``progress(stage, total)`` returns a callback taking the number of rows just written.
Progress = Callable[[str, int], Callable[[int], None]]

#: The neighbour files and the relationships they become: (file, relationship, model, summary attribute).
EDGE_FILES = (("content_neighbours.npz", "similar_to", "tfidf", "similar_to"),
              ("bought_with.npz", "bought_with", "cooc", "bought_with"),
              ("predicts.npz", "predicts", "item_regression", "predicts"))
#: The arrays of embedding.npz and mf.npz holding each label's vectors.
VECTOR_KEYS = {"product": ("product_vectors", "product_factors"), "user": ("user_vectors", "user_factors")}


class PublishError(ValueError):
    """The artefact folder cannot be published (missing ids, wrong vector sizes...)."""


class PublishBusy(PublishError):
    """Another training is publishing; the message names it."""


class PublishInterrupted(PublishError):
    """The publish stopped half-way; the live version is still the one served."""


@dataclass
class PublishSummary:
    version: str
    similar_to: int = 0
    bought_with: int = 0
    predicts: int = 0
    product_vectors: int = 0
    user_vectors: int = 0
    seconds: float = 0.0
    #: What the version has no file for (e.g. "BOUGHT_WITH edges"), so the graph's current ones stay served.
    absent: list[str] = field(default_factory=list)

    def report(self) -> str:
        text = (f"Published version {self.version} in {self.seconds:.1f} s: {self.similar_to:,} SIMILAR_TO, "
                f"{self.bought_with:,} BOUGHT_WITH and {self.predicts:,} PREDICTS edges, vectors on "
                f"{self.product_vectors:,} products and {self.user_vectors:,} shoppers.")
        if self.absent:
            text += f" The version has no {' or '.join(self.absent)}; any already in the graph are left alone."
        return text


@dataclass
class _Artefact:
    """An artefact version's files, read and checked before anything is written."""

    version: str
    models: list[str]
    products: list[str]
    users: list[str]
    neighbours: dict[str, dict[str, np.ndarray]]   # relationship -> indices and scores
    embedding: dict[str, np.ndarray] | None
    mf: dict[str, np.ndarray] | None

    @property
    def has_vectors(self) -> bool:
        return self.embedding is not None or self.mf is not None


def _no_progress(stage: str, total: int) -> Callable[[int], None]:
    return lambda n: None


def _load(folder: Path, name: str) -> dict[str, np.ndarray] | None:
    return read_arrays(folder, name) if (folder / name).is_file() else None


def _check_neighbours(indices: np.ndarray, scores: np.ndarray) -> None:
    if indices.shape != scores.shape:
        raise PublishError(f"neighbour indices {indices.shape} and scores {scores.shape} differ in shape")


def neighbour_rows(product_ids: Sequence[str], indices: np.ndarray, scores: np.ndarray) -> Iterator[dict[str, Any]]:
    """``{from, to, score}`` per neighbour; index -1 (no neighbour) and a product's own index are skipped."""
    _check_neighbours(indices, scores)
    for i, (row, row_scores) in enumerate(zip(indices, scores, strict=True)):
        for j, score in zip(row, row_scores, strict=True):
            if 0 <= j < len(product_ids) and j != i:
                yield {"from": product_ids[i], "to": product_ids[int(j)], "score": float(score)}


def _check_vectors(ids: Sequence[str], embedding: np.ndarray | None, mf: np.ndarray | None) -> None:
    for name, matrix in (("embedding", embedding), ("mf", mf)):
        if matrix is not None and len(matrix) != len(ids):
            raise PublishError(f"{name} has {len(matrix)} rows for {len(ids)} ids")
    if embedding is not None and embedding.shape[1] != EMBEDDING_DIMENSIONS:
        raise PublishError(f"embeddings have {embedding.shape[1]} dimensions; the vector indexes take "
                           f"{EMBEDDING_DIMENSIONS}")


def vector_rows(ids: Sequence[str], embedding: np.ndarray | None, mf: np.ndarray | None) -> list[dict[str, Any]]:
    """``{id, embedding, mf}`` per product or shopper, as lists of floats (None for a matrix the version lacks)."""
    _check_vectors(ids, embedding, mf)
    return [{"id": id_,
             "embedding": embedding[i].astype(float).tolist() if embedding is not None else None,
             "mf": mf[i].astype(float).tolist() if mf is not None else None}
            for i, id_ in enumerate(ids)]


def _vectors_of(artefact: _Artefact, label: str) -> tuple[list[str], np.ndarray | None, np.ndarray | None]:
    """(ids, embeddings, factors) of the products or of the shoppers."""
    embedding_key, mf_key = VECTOR_KEYS[label]
    ids = artefact.products if label == "product" else artefact.users
    embedding = artefact.embedding[embedding_key] if artefact.embedding is not None else None
    mf = artefact.mf[mf_key] if artefact.mf is not None else None
    return ids, embedding, mf


def _read(folder: Path) -> _Artefact:
    """The version's files, every shape checked, so a bad folder is refused before the graph is touched."""
    try:
        ids = read_ids(folder)
        products, users = list(ids["products"]), list(ids["users"])
    except (OSError, ValueError, KeyError) as error:
        raise PublishError(f"{folder} has no readable ids.json ({error})") from error
    metadata = _metadata(folder)
    neighbours = {relationship: arrays for name, relationship, _, _ in EDGE_FILES
                  if (arrays := _load(folder, name)) is not None}
    for arrays in neighbours.values():
        _check_neighbours(arrays["indices"], arrays["scores"])
    artefact = _Artefact(str(metadata.get("version") or folder.name), sorted(metadata.get("models") or {}),
                         products, users, neighbours, _load(folder, "embedding.npz"), _load(folder, "mf.npz"))
    for label in ("product", "user"):
        _check_vectors(*_vectors_of(artefact, label))
    return artefact


def publish(graph, folder: Path | str, progress: Progress | None = None, batch_size: int = BATCH_SIZE,
            lock_wait: float = LOCK_WAIT, on_wait: Callable[[str], None] | None = None) -> PublishSummary:
    """Write the artefact version in ``folder`` into the graph and make it live (see the module docstring).

    ``on_wait`` is told once, in words, when another training's publish must finish first.
    """
    started = time.perf_counter()
    artefact = _read(Path(folder))
    lock = PublishLock(graph, artefact.version)
    try:
        lock.take(lock_wait, on_wait)
    except LockBusy as error:
        raise PublishBusy(str(error)) from error
    with lock:
        live = model_versions.live_version(graph)
        if live is not None and live.version == artefact.version:
            raise PublishError(f"version {artefact.version} is live already; train a new version to replace it")
        try:
            summary = _publish(lock, artefact, progress or _no_progress, batch_size)
        except LockLost as error:
            raise PublishInterrupted(str(error)) from error
    summary.seconds = time.perf_counter() - started
    return summary


def _publish(lock: PublishLock, artefact: _Artefact, progress: Progress, batch_size: int) -> PublishSummary:
    """The steps of ``graph.model_versions``, under the publish lock."""
    version = artefact.version
    summary = PublishSummary(version)
    slot = model_versions.begin(lock, version, artefact.models, has_similar_to="similar_to" in artefact.neighbours,
                                has_bought_with="bought_with" in artefact.neighbours,
                                has_vectors=artefact.has_vectors)
    model_versions.retire(lock, before_switch=True)

    for _, relationship, model, attribute in EDGE_FILES:
        arrays = artefact.neighbours.get(relationship)
        if arrays is None:
            # PREDICTS edges go with the BOUGHT_WITH version: said once, as "no BOUGHT_WITH edges".
            if relationship != "predicts":
                summary.absent.append(f"{relationship.upper()} edges")
            continue
        rows = list(neighbour_rows(artefact.products, arrays["indices"], arrays["scores"]))
        written = lock.write_batches(f"publish_{relationship}", rows, batch_size,
                                     on_batch=progress(relationship.replace("_", " "), len(rows)),
                                     model=model, version=version)
        setattr(summary, attribute, written)

    if not artefact.has_vectors:
        summary.absent.append("vectors")
    for label in ("product", "user"):
        ids, vectors, factors = _vectors_of(artefact, label)
        if vectors is None and factors is None:
            continue
        rows = vector_rows(ids, vectors, factors)
        written = lock.write_batches(f"publish_{label}_vectors", rows, max(batch_size // 5, 1),
                                     on_batch=progress(f"{label} vectors", len(rows)), version=version, slot=slot)
        setattr(summary, f"{label}_vectors", written)

    model_versions.switch(lock, version, summary.similar_to, summary.bought_with, summary.product_vectors,
                          summary.user_vectors)
    model_versions.retire(lock)
    return summary


def _metadata(folder: Path) -> dict[str, Any]:
    try:
        return read_metadata(folder)
    except (OSError, ValueError):
        return {}


def publish_new_products(graph, product_ids: Sequence[str], artefacts_dir: Path | str | None = None,
                         per_product: int = 20) -> int:
    """Give newly loaded products SIMILAR_TO neighbours now, without retraining; returns the edges written.

    With the live version's trained content model (in ``artefacts_dir``), its TF-IDF vocabulary places the new
    products among the catalogue it was trained on (model "tfidf"); otherwise, or for products it finds
    nothing for, the catalogue products sharing the most category, brand and tags (model
    "shared-attributes"). Either way the edges join the SIMILAR_TO edges served now, and the next training
    replaces them.
    """
    product_ids = list(dict.fromkeys(product_ids))
    if not product_ids:
        return 0
    live = model_versions.live_version(graph)
    version = live.similar_to_version if live else None
    folder = version_folder(version, artefacts_dir) if version else None
    written = 0
    linked: set[str] = set()
    if version and folder is not None:  # a folder is only found for a version
        written, linked = _link_with_text_model(graph, folder, product_ids, version, per_product)
    rest = [pid for pid in product_ids if pid not in linked]
    if rest:
        rows = graph.write("link_new_products_by_attributes", productIds=rest, perProduct=per_product,
                           version=version)
        written += sum(row["neighbours"] for row in rows)
    return written


def _link_with_text_model(graph, folder: Path, product_ids: list[str], version: str,
                          per_product: int) -> tuple[int, set[str]]:
    """SIMILAR_TO edges from the trained TF-IDF model; (edges written, products that got some)."""
    model_folder = folder / "content"
    if not (model_folder / "model.json").is_file():
        return 0, set()
    try:
        import pandas as pd

        from shopgraph.models.content import new_product_neighbours
    except ImportError:
        return 0, set()
    products = pd.DataFrame(graph.read("products_for_content", productIds=product_ids))
    if products.empty:
        return 0, set()
    catalogue = list(read_ids(folder)["products"])
    indices, scores = new_product_neighbours(model_folder, products)
    rows = []
    for new_id, row, row_scores in zip(products["id"], indices[:, :per_product], scores[:, :per_product],
                                       strict=True):
        for j, score in zip(row, row_scores, strict=True):
            if 0 <= j < len(catalogue) and catalogue[j] != new_id and score > 0:
                rows.append({"from": new_id, "to": catalogue[int(j)], "score": float(score)})
    written = graph.write_batches("publish_similar_to", rows, model="tfidf", version=version)
    return written, {row["from"] for row in rows}
