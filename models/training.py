"""``train_all``: fit every model on the shop's interactions and write one artefact version.

Called by ``shopgraph train`` with ``interactions_from_graph(graph)``. Stages, each with its own
progress bar: the generators on all the data, the generators again on the data before the
validation period, the hybrid's weights, the multi ranker, and the files of the version (see the
models contract). The same interactions and seed give the same artefacts.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from models.artefacts import VersionWriter
from models.data import Interactions
from models.features import FEATURES
from models.generators import GENERATORS, carve_validation, fit_generators
from models.hybrid import HybridRecommender
from models.multi import MultiRecommender

MODELS = (*GENERATORS, "hybrid", "multi")
#: A temporal validation period needs this much history before it.
TEMPORAL_VALIDATION_DAYS = 30


class NothingToLearn(ValueError):
    """The interactions have no shopper with any interest; there is nothing to train on."""


def validation_for(interactions: Interactions) -> dict[str, Any]:
    """Hold out the last 30 days when the shop has purchases over at least 60 days, else a random quarter."""
    purchases = interactions.events[interactions.events["type"] == "purchase"]
    if not purchases.empty:
        span = purchases["timestamp"].max() - purchases["timestamp"].min()
        if span >= pd.Timedelta(days=2 * TEMPORAL_VALIDATION_DAYS):
            return {"kind": "temporal", "days": TEMPORAL_VALIDATION_DAYS}
    return {"kind": "random", "share": 0.25}


def train_all(interactions: Interactions, catalog: pd.DataFrame | None = None, seed: int = 42,
              models: list[str] | tuple[str, ...] | None = None, progress: bool = True,
              root: Path | str | None = None, generator_params: dict[str, dict] | None = None) -> Path:
    """Fit the named models (default: all of ``MODELS``) and write a version; returns its folder.

    ``catalog`` (optional) replaces ``interactions.catalog`` and must have one row per product in
    ``interactions.product_ids`` order. hybrid and multi need every generator, so asking for either
    fits them all. A version is written even when the data is too small for the multi ranker:
    metadata.json then says why it was skipped.
    """
    from tqdm.auto import tqdm

    wanted = _wanted(models)
    if interactions.n_users == 0 or interactions.binary.nnz == 0:
        raise NothingToLearn("no shopper has shown interest in any product yet; load a dataset first")
    if catalog is not None:
        if len(catalog) != interactions.n_products:
            raise ValueError(f"the catalogue has {len(catalog)} rows for {interactions.n_products} products")
        interactions = Interactions(interactions.user_ids, interactions.product_ids, catalog.reset_index(drop=True),
                                    interactions.events, interactions.disliked)
    generator_params = generator_params or {}
    needed = tuple(g for g in GENERATORS if g in wanted or {"hybrid", "multi"} & wanted)
    report: dict[str, dict[str, Any]] = {}
    started = time.perf_counter()

    def bar(items, desc):
        return tqdm(items, desc=desc, unit="model", disable=not progress, file=sys.stderr, leave=True)

    generators: dict = {}
    for name in bar(needed, "train models"):
        generators.update(fit_generators(interactions, seed, generator_params, names=(name,)))
        report[name] = {"fit_seconds": round(generators[name].fit_seconds, 2), "params": generators[name].params}

    hybrid_meta: dict[str, Any] = {}
    multi_meta: dict[str, Any] = {}
    if {"hybrid", "multi"} & wanted:
        validation_spec = validation_for(interactions)
        split = carve_validation(interactions, validation_spec, seed)
        validation_generators = {}
        for name in bar(needed, "train on the period before validation"):
            validation_generators.update(fit_generators(split.train, seed, generator_params, names=(name,)))
        if "hybrid" in wanted:
            for _ in bar(["hybrid"], "tune hybrid weights"):
                hybrid = HybridRecommender(validation=validation_spec, seed=seed)
                if _has_targets(split):
                    hybrid.fit_with(interactions, generators, validation_generators, split)
                    hybrid_meta = {"weights": hybrid.weights, "cold_weights": hybrid.cold_weights,
                                   "cold_start_threshold": hybrid.params["cold_start_threshold"],
                                   "validation_ndcg": hybrid.validation_ndcg, "validation": validation_spec}
                    report["hybrid"] = {"fit_seconds": round(hybrid.fit_seconds, 2), "params": hybrid.params}
                else:
                    hybrid_meta = {"skipped": "the validation period has nothing to tune on"}
        if "multi" in wanted:
            for _ in bar(["multi"], "train multi ranker"):
                multi = MultiRecommender(validation=validation_spec, seed=seed)
                try:
                    multi.fit_with(interactions, generators, validation_generators, split)
                except ValueError as error:
                    multi, multi_meta = None, {"skipped": str(error)}
                if multi is not None:
                    spec = multi.ranker.spec
                    multi_meta = {"features": list(FEATURES), "learners": spec["learners"],
                                  "combination": spec["combination"]["kind"], "stacking": spec["combination"],
                                  "training": multi.training_summary, "validation": validation_spec}
                    report["multi"] = {"fit_seconds": round(multi.fit_seconds, 2), "params": multi.params}

    writer = VersionWriter(root)
    try:
        for _ in bar(["files"], "write artefacts"):
            _write(writer, interactions, generators, multi if "multi" in wanted and multi_meta.get("features") else None)
        metadata = {"seed": seed,
                    "counts": {"users": interactions.n_users, "products": interactions.n_products,
                               "interactions": int(interactions.binary.nnz)},
                    "models": report, "hybrid": hybrid_meta, "multi": multi_meta,
                    "train_seconds": round(time.perf_counter() - started, 2)}
        return writer.finish(metadata)
    except BaseException:
        writer.abandon()
        raise


def _wanted(models) -> set[str]:
    if models is None:
        return set(MODELS)
    unknown = set(models) - set(MODELS)
    if unknown:
        raise ValueError(f"unknown model(s) {', '.join(sorted(unknown))}; choose from {', '.join(MODELS)}")
    return set(models)


def _has_targets(split) -> bool:
    return any(split.test.values())


def _write(writer: VersionWriter, interactions: Interactions, generators: dict, multi) -> None:
    writer.json("ids.json", {"products": [str(p) for p in interactions.product_ids],
                             "users": [str(u) for u in interactions.user_ids]})
    for name, model in generators.items():
        model.save(writer.folder / name)
    if "content" in generators:
        indices, scores = generators["content"].neighbours()
        writer.arrays("content_neighbours.npz", indices=_width(indices, -1), scores=_width(scores, 0.0))
    if "collaborative" in generators:
        indices, scores = generators["collaborative"].bought_with()
        writer.arrays("bought_with.npz", indices=_width(indices, -1), scores=_width(scores, 0.0))
    if "mf" in generators:
        mf = generators["mf"]
        writer.arrays("mf.npz", user_factors=mf.user_factors.astype(np.float32),
                      product_factors=mf.item_factors.astype(np.float32))
    if "embedding" in generators:
        embedding = generators["embedding"]
        writer.arrays("embedding.npz", user_vectors=embedding.user_vectors.astype(np.float32),
                      product_vectors=embedding.item_vectors.astype(np.float32))
    if multi is not None:
        multi.ranker.save(writer.folder)


def _width(array: np.ndarray, fill, width: int = 20) -> np.ndarray:
    """Neighbour lists padded (or cut) to the contract's 20 columns."""
    out = np.full((array.shape[0], width), fill, dtype=np.int32 if fill == -1 else np.float32)
    n = min(width, array.shape[1])
    out[:, :n] = array[:, :n]
    return out
