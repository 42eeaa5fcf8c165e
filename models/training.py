"""``train_all``: fit every model on the shop's interactions and write one artefact version.

Called by ``shopgraph train`` with ``interactions_from_graph(graph)``. Stages, each with its own
progress bar: the generators on all the data, the generators again on the data before the
validation period, the hybrid's weights, the multi ranker, and the files of the version (see the
models contract). The same interactions and seed give the same artefacts.

``train_catalogue`` is for a shop whose catalogue is loaded but whose shoppers have done nothing yet
(the Walmart sample, a new shop): it fits what the product texts alone teach -- the content model's
TF-IDF neighbours, the "similar items" row -- and writes a version whose metadata.json says which
models were skipped and why. Both write ``metadata["skipped"]``: model name -> reason.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from shopgraph.models.artefacts import VersionWriter
from shopgraph.models.data import Interactions
from shopgraph.models.diversity import category_keys, choose_cap
from shopgraph.models.fold_tuning import choose_fresh_share
from shopgraph.models.generators import GENERATORS, carve_validation, fit_generators
from shopgraph.models.hybrid import HybridRecommender
from shopgraph.models.multi import MultiRecommender
from shopgraph.models.splits import Split
from shopgraph.models.tuning import fit_and_choose

MODELS = (*GENERATORS, "hybrid", "multi")
#: A temporal validation period needs this much history before it.
TEMPORAL_VALIDATION_DAYS = 30
#: The models that learn from the catalogue alone (product texts), with no shopper interactions.
CATALOGUE_MODELS = ("content",)
#: Why a model that learns from shoppers' interactions is left out of a catalogue-only version.
NO_INTERACTIONS = "no interactions yet"
SKIPPED_WITHOUT_INTERACTIONS = {
    # With no interactions the trained generator would be all zeros; serving's popular list
    # (cypher/popular.cypher) ranks such a shop by the products' aggregate ratings instead.
    "popular": f"{NO_INTERACTIONS}; the shop ranks popular products by their aggregate ratings meanwhile",
    "trending": NO_INTERACTIONS,
    "collaborative": NO_INTERACTIONS,
    "item_regression": NO_INTERACTIONS,
    "mf": NO_INTERACTIONS,
    "embedding": NO_INTERACTIONS,
    "hybrid": f"{NO_INTERACTIONS}: no validation period to tune the blend on",
    "multi": f"{NO_INTERACTIONS}: no shoppers' choices to train the ranker on",
}


class NothingToLearn(ValueError):
    """The interactions have no shopper with any interest; there is nothing to train on."""


def validation_for(interactions: Interactions) -> dict[str, Any]:
    """Hold out the last 30 days of purchases when the shop has purchases over at least 60 days and those days
    hold new products for known shoppers to tune on; else a random quarter."""
    return validation_split(interactions)[0]


def validation_split(interactions: Interactions, seed: int = 42) -> tuple[dict[str, Any], Split]:
    """``validation_for``'s choice and the split it carves (the temporal one is carved to be checked anyway)."""
    purchases = interactions.events[interactions.events["type"] == "purchase"]
    if not purchases.empty:
        span = purchases["timestamp"].max() - purchases["timestamp"].min()
        temporal = {"kind": "temporal", "days": TEMPORAL_VALIDATION_DAYS}
        if span >= pd.Timedelta(days=2 * TEMPORAL_VALIDATION_DAYS):
            split = carve_validation(interactions, temporal, seed)
            if split.test:
                return temporal, split
    chosen = {"kind": "random", "share": 0.25}
    return chosen, carve_validation(interactions, chosen, seed)


def train_all(interactions: Interactions, catalog: pd.DataFrame | None = None, seed: int = 42,
              models: list[str] | tuple[str, ...] | None = None, progress: bool = True,
              root: Path | str | None = None, generator_params: dict[str, dict] | None = None,
              graph=None, strategy_library=None) -> Path:
    """Fit the named models (default: all of ``MODELS``) and write a version; returns its folder.

    ``catalog`` (optional) replaces ``interactions.catalog`` and must have one row per product in
    ``interactions.product_ids`` order. hybrid and multi need every generator, so asking for either
    fits them all. A version is written even when the data is too small for the multi ranker:
    metadata.json then says why it was skipped.

    With ``graph`` (the one ``interactions`` were read from), the candidate-source strategy files of
    ``strategy_library`` (default: the shop's folders) are run for the validation shoppers as of the validation
    period (``models.file_candidates``): each becomes a blend weight of hybrid and two columns of the multi ranker
    (``score_file_<name>``, ``rank_file_<name>``), and metadata.json ``candidate_files`` says what each gave.
    """
    from tqdm.auto import tqdm

    wanted = _wanted(models)
    if interactions.n_users == 0 or interactions.binary.nnz == 0:
        raise NothingToLearn("no shopper has shown interest in any product yet; load a dataset first "
                             "(or train_catalogue for what the products alone teach)")
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

    # With hybrid or multi asked for, the validation period comes first: the generators fitted before it
    # choose their settings (models.tuning) and are what the blend and the ranker tune on.
    validation_generators: dict = {}
    tuning: dict[str, Any] = {}
    if {"hybrid", "multi"} & wanted:
        validation_spec, split = validation_split(interactions, seed)
        for name in bar(needed, "train on the period before validation"):
            fitted, chosen, weighed = fit_and_choose(split, seed, (name,), fixed=generator_params)
            validation_generators.update(fitted)
            generator_params = {**generator_params, **chosen}
            tuning.update(weighed)
    files: dict = {}
    files_meta: dict[str, Any] = {}
    if {"hybrid", "multi"} & wanted and graph is not None:
        files, files_meta = _candidate_files(graph, strategy_library, interactions, split, validation_spec, progress)

    generators: dict = {}
    for name in bar(needed, "train models"):
        generators.update(fit_generators(interactions, seed, generator_params, names=(name,)))
        report[name] = {"fit_seconds": round(generators[name].fit_seconds, 2), "params": generators[name].params}

    hybrid_meta: dict[str, Any] = {}
    multi_meta: dict[str, Any] = {}
    # Without a tuned blend to weigh it on, the shop keeps the fixed cap (models.diversity.serving_cap).
    diversity: dict[str, Any] | None = None
    # Likewise the share of a folded list that comes from a shopper's fresh products (models.fold_tuning).
    fold_meta: dict[str, Any] | None = None
    multi: MultiRecommender | None = None
    if {"hybrid", "multi"} & wanted:
        if "hybrid" in wanted:
            for _ in bar(["hybrid"], "tune hybrid weights"):
                hybrid = HybridRecommender(validation=validation_spec, seed=seed)
                if _has_targets(split):
                    hybrid.fit_with(interactions, generators, validation_generators, split, files)
                    hybrid_meta = {"weights": hybrid.weights, "cold_weights": hybrid.cold_weights,
                                   "cold_start_threshold": hybrid.params["cold_start_threshold"],
                                   "validation_ndcg": hybrid.validation_ndcg, "validation": validation_spec}
                    report["hybrid"] = {"fit_seconds": round(hybrid.fit_seconds, 2), "params": hybrid.params}
                    scores, relevant = hybrid.validation_scores(validation_generators, split)
                    diversity = choose_cap(scores, relevant, category_keys(interactions.catalog))
                    fold_meta = choose_fresh_share(scores, hybrid.tuning_users(split), split.test, interactions.events,
                                                   _trained_neighbours(validation_generators, "collaborative"),
                                                   _trained_neighbours(validation_generators, "content"))
                else:
                    hybrid_meta = {"skipped": "the validation period has nothing to tune on"}
        if "multi" in wanted:
            for _ in bar(["multi"], "train multi ranker"):
                multi = MultiRecommender(validation=validation_spec, seed=seed)
                try:
                    multi.fit_with(interactions, generators, validation_generators, split, files)
                except ValueError as error:
                    multi, multi_meta = None, {"skipped": str(error)}
                if multi is not None:
                    spec = multi.ranker.spec
                    multi_meta = {"features": list(spec["features"]), "learners": spec["learners"],
                                  "combination": spec["combination"]["kind"], "stacking": spec["combination"],
                                  "training": multi.training_summary, "validation": validation_spec}
                    report["multi"] = {"fit_seconds": round(multi.fit_seconds, 2), "params": multi.params}

    writer = VersionWriter(root)
    try:
        for _ in bar(["files"], "write artefacts"):
            written = multi if "multi" in wanted and multi_meta.get("features") else None
            _write(writer, interactions, generators, written)
        skipped = {name: meta["skipped"] for name, meta in (("hybrid", hybrid_meta), ("multi", multi_meta))
                   if "skipped" in meta}
        metadata = {"seed": seed,
                    "counts": {"users": interactions.n_users, "products": interactions.n_products,
                               "interactions": int(interactions.binary.nnz)},
                    "models": report, "skipped": skipped, "hybrid": hybrid_meta, "multi": multi_meta,
                    **({"candidate_files": files_meta} if files_meta else {}),
                    **({"diversity": diversity} if diversity else {}),
                    **({"fold": fold_meta} if fold_meta else {}),
                    **({"generator_settings": tuning} if tuning else {}),
                    "train_seconds": round(time.perf_counter() - started, 2)}
        return writer.finish(metadata)
    except BaseException:
        writer.abandon()
        raise


def train_catalogue(interactions: Interactions, seed: int = 42, models: list[str] | tuple[str, ...] | None = None,
                    progress: bool = True, root: Path | str | None = None,
                    generator_params: dict[str, dict] | None = None) -> Path:
    """For a catalogue without interactions: fit the named models that need none (``CATALOGUE_MODELS``) and
    write a version; returns its folder.

    The version holds ids.json (the products; no shoppers), the content model and its neighbours
    (published as SIMILAR_TO), and metadata.json whose ``skipped`` names every other model asked for with
    its reason. Raises ``NothingToLearn`` when there are no products, or when none of the models asked
    for can learn without interactions.
    """
    from tqdm.auto import tqdm

    wanted = _wanted(models)
    if interactions.n_products == 0:
        raise NothingToLearn("the catalogue has no products yet; load a dataset first")
    trainable = [name for name in CATALOGUE_MODELS if name in wanted]
    skipped = {name: SKIPPED_WITHOUT_INTERACTIONS[name] for name in MODELS
               if name in wanted and name not in trainable}
    if not trainable:
        raise NothingToLearn(f"the models asked for ({', '.join(sorted(wanted))}) learn from shoppers' interactions "
                             f"and there are none yet; only {', '.join(CATALOGUE_MODELS)} learns from the catalogue "
                             "alone")
    generator_params = generator_params or {}
    started = time.perf_counter()
    generators: dict = {}
    report: dict[str, dict[str, Any]] = {}
    for name in tqdm(trainable, desc="train models", unit="model", disable=not progress, file=sys.stderr,
                     leave=True):
        generators.update(fit_generators(interactions, seed, generator_params, names=(name,)))
        report[name] = {"fit_seconds": round(generators[name].fit_seconds, 2), "params": generators[name].params}

    writer = VersionWriter(root)
    try:
        _write(writer, interactions, generators, None)
        metadata = {"seed": seed,
                    "counts": {"users": interactions.n_users, "products": interactions.n_products,
                               "interactions": int(interactions.binary.nnz)},
                    "models": report, "skipped": skipped,
                    # Where train_all puts tuned weights and the ranker's summary; serving then blends with
                    # its default weights and serves multi as hybrid.
                    "hybrid": {"skipped": skipped["hybrid"]} if "hybrid" in skipped else {},
                    "multi": {"skipped": skipped["multi"]} if "multi" in skipped else {},
                    "train_seconds": round(time.perf_counter() - started, 2)}
        return writer.finish(metadata)
    except BaseException:
        writer.abandon()
        raise


def _candidate_files(graph, library, interactions: Interactions, split, validation: dict[str, Any],
                     progress: bool) -> tuple[dict, dict[str, Any]]:
    """The candidate-source files' scores for the validation shoppers, as of the validation period, and what
    metadata.json says of them (``{"before", "files": {name: what it gave}}``, or ``{"skipped": why}``)."""
    from tqdm.auto import tqdm

    from shopgraph.models.file_candidates import NOT_A_PERIOD, TRAINING_TIMEOUT, cutoff, file_scores
    from shopgraph.models.strategy_files import StrategyLibrary

    library = library or StrategyLibrary(timeout=TRAINING_TIMEOUT)
    library.verify(graph)  # Neo4j plans each file first; one it refuses is no candidate source
    names = library.candidate_sources()
    if not names:
        return {}, {}
    before = cutoff(interactions, validation)
    if before is None:
        return {}, {"skipped": NOT_A_PERIOD, "files": list(names)}
    users = sorted(user for user, items in split.test.items() if items)
    with tqdm(total=len(users) * len(names), desc="run candidate-source files", unit="list", disable=not progress,
              file=sys.stderr, leave=True) as shown:
        scores, summary = file_scores(graph, library, names, interactions, split.train, users, before,
                                      progress=shown.update)
    return scores, {"before": before.isoformat(), "files": summary}


def _wanted(models) -> set[str]:
    if models is None:
        return set(MODELS)
    unknown = set(models) - set(MODELS)
    if unknown:
        raise ValueError(f"unknown model(s) {', '.join(sorted(unknown))}; choose from {', '.join(MODELS)}")
    return set(models)


def _has_targets(split) -> bool:
    return any(split.test.values())


def _write(writer: VersionWriter, interactions: Interactions, generators: dict,
           multi: MultiRecommender | None) -> None:
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
    if "item_regression" in generators:
        indices, scores = generators["item_regression"].predicts()
        writer.arrays("predicts.npz", indices=indices, scores=scores)
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


def _trained_neighbours(generators: dict, name: str) -> tuple[np.ndarray, np.ndarray] | None:
    """The neighbour lists the graph gets from a generator (BOUGHT_WITH from collaborative, SIMILAR_TO from
    content), as published; None when it was not fitted."""
    if name not in generators:
        return None
    model = generators[name]
    indices, scores = model.bought_with() if name == "collaborative" else model.neighbours()
    return _width(indices, -1), _width(scores, 0.0)


def _width(array: np.ndarray, fill, width: int = 20) -> np.ndarray:
    """Neighbour lists padded (or cut) to the contract's 20 columns."""
    out = np.full((array.shape[0], width), fill, dtype=np.int32 if fill == -1 else np.float32)
    n = min(width, array.shape[1])
    out[:, :n] = array[:, :n]
    return out
