"""Model versions in the graph: which one is live, and the steps that make a new one live (``models.publish``).

Serving reads trained edges and vectors of the live version only: the newest ModelVersion with a ``publishedAt``
(cypher/published_model.cypher). Each version names whose SIMILAR_TO and BOUGHT_WITH edges (PREDICTS edges go
with BOUGHT_WITH: both are learnt from interactions) and which vector slot it serves -- its own, or the version
before's for what it did not train. Publishing a version:

1. ``begin``: its ModelVersion node, not live yet, and the vector slot its vectors go to (the one the live
   version does not use);
2. ``retire(before_switch=True)``: what a publish that died half-way left behind, so the version starts clean;
3. its edges and vectors, written beside the live version's (``models.publish``);
4. ``switch``: it becomes live, in one small write;
5. ``retire()``: the replaced version's edges and vectors, which nothing reads any more.

A publish that dies before step 4 leaves the live version serving as it was, and the next publish's step 2 clears
what it wrote; one that dies after step 4 leaves unread edges that step 2 clears too. Every step is a write under
the publish lock (``graph.publish_lock``), so two trainings never publish at once.
"""
from __future__ import annotations

from dataclasses import dataclass

from shopgraph.graph.publish_lock import PublishLock

#: Edges or nodes retired per transaction.
RETIRE_BATCH = 10_000


@dataclass(frozen=True)
class LiveVersion:
    """The live model version and what it serves (the columns of cypher/published_model.cypher)."""

    version: str
    similar_to_version: str
    bought_with_version: str
    vectors_version: str
    vector_slot: int


def live_version(graph) -> LiveVersion | None:
    """The live model version, or None before the first publish."""
    row = graph.read_one("published_model")
    if row is None:
        return None
    return LiveVersion(row["version"], row["similarToVersion"], row["boughtWithVersion"], row["vectorsVersion"],
                       row["vectorSlot"])


def begin(lock: PublishLock, version: str, models: list[str], has_similar_to: bool, has_bought_with: bool,
          has_vectors: bool) -> int:
    """Step 1: the version's node, naming what it will serve; returns the vector slot its vectors go to."""
    row = lock.write("begin_model_version", version=version, models=models, hasSimilarTo=has_similar_to,
                     hasBoughtWith=has_bought_with, hasVectors=has_vectors)[0]
    return row["vectorSlot"]


def retire(lock: PublishLock, before_switch: bool = False) -> None:
    """Steps 2 and 5: delete the edges and vectors the live version does not serve. Before the switch, edges
    without a version (hand-made, or new products' links) stay: the live version may still serve them."""
    for relationship in ("similar_to", "bought_with", "predicts"):
        lock.write_until_done(f"retire_{relationship}", RETIRE_BATCH, keepUnversioned=before_switch)
    for label in ("product", "user"):
        lock.write_until_done(f"retire_{label}_vectors", RETIRE_BATCH)


def switch(lock: PublishLock, version: str, similar_to: int, bought_with: int, product_vectors: int,
           user_vectors: int) -> None:
    """Step 4: make the version live, with what was written for it."""
    switched = lock.write("publish_model_version", version=version, similarTo=similar_to, boughtWith=bought_with,
                          productVectors=product_vectors, userVectors=user_vectors)
    if not switched:
        raise RuntimeError(f"version {version} was not begun, or is live already")
