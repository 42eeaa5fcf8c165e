"""Offline evaluation: the two protocols of docs/evaluation.md, every model and peer measured the same way.

``evaluate(dataset)`` reads the dataset through the loaders, splits it by its protocol, fits each
model on the training part only (timing the fit), asks it for the top 10 of every test user with
the user's training products filtered out (full ranking over every product of the training data)
and scores the lists with ``models.metrics``. The result is the JSON docs/evaluation.md describes;
``write_report`` adds a Markdown table and a plot of NDCG@10 by model.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from shopgraph.models import metrics
from shopgraph.models.base import Recommender, json_default
from shopgraph.models.data import Interactions
from shopgraph.models.splits import Split, random_split, temporal_split

K = 10


@dataclass(frozen=True)
class Protocol:
    """How one dataset is split and measured."""

    dataset: str
    description: str
    event_types: tuple[str, ...]
    split: Callable[[Interactions], Split]
    metrics: tuple[str, ...]
    #: How hybrid and multi carve their validation data out of the training part.
    validation: dict[str, Any] = field(default_factory=dict)
    restrict_to_training: bool = False


RETAIL_CUTOFF = pd.Timestamp("2011-11-01")

PROTOCOLS = {
    "online-retail": Protocol(
        dataset="online-retail",
        description=("purchases of cleaned Online Retail (non-product stock codes dropped); train on purchases "
                     "before 2011-11-01; test on purchases from then on by users and of products seen in "
                     "training that the user had not bought before; full ranking over every product seen in "
                     "training, the user's training products filtered out"),
        event_types=("purchase",),
        split=lambda interactions: temporal_split(interactions, RETAIL_CUTOFF),
        metrics=("ndcg@10", "recall@10", "hr@10", "coverage", "novelty"),
        validation={"kind": "temporal", "days": 30},
        restrict_to_training=True,
    ),
    "movielens-100k": Protocol(
        dataset="movielens-100k",
        description=("every rating of MovieLens-100k is a positive; per user a random 75/25 split (seed 42); "
                     "full ranking over every film, the user's training films filtered out"),
        event_types=("rate",),
        split=lambda interactions: random_split(interactions, test_share=0.25, seed=42),
        metrics=("ndcg@10", "precision@10", "recall@10", "coverage", "novelty"),
        validation={"kind": "random", "share": 0.25},
    ),
}


def dataset_interactions(tables, protocol: Protocol) -> Interactions:
    """The protocol's events of a loader's tables, indexed (Online Retail: over training products and users)."""
    events = tables.events[tables.events["type"].isin(protocol.event_types)]
    if protocol.restrict_to_training:
        before = events[events["timestamp"] < RETAIL_CUTOFF]
        return Interactions.from_events(events, tables.products, tables.categories,
                                        product_ids=np.sort(before["product_id"].astype(str).unique()),
                                        user_ids=np.sort(before["user_id"].astype(str).unique()))
    return Interactions.from_events(events, tables.products, tables.categories)


def measure(model: Recommender, split: Split, protocol_metrics: Iterable[str], k: int = K) -> dict[str, float]:
    """The protocol's metrics for a fitted model on the test users of ``split``."""
    users = np.array(sorted(split.test), dtype=np.int64)
    indices, _ = model.recommend(users, k=k, filter_seen=True)
    lists = {int(user): row[row >= 0].tolist() for user, row in zip(users, indices, strict=True)}
    return score_lists(lists, split, protocol_metrics, k)


def score_lists(lists: dict[int, list[int]], split: Split, protocol_metrics: Iterable[str],
                k: int = K) -> dict[str, float]:
    """The protocol's metrics for each test user's list of product indices, best first (a user with no list
    scores zero), however the lists were made: by a model in memory or served by the shop."""
    lists = {user: lists.get(user, []) for user in split.test}
    popularity = np.asarray(split.train.binary.sum(axis=0)).ravel()
    n_train_users = int((np.diff(split.train.binary.indptr) > 0).sum())
    found = {}
    for name in protocol_metrics:
        if name == "coverage":
            found[name] = metrics.catalogue_coverage(lists.values(), split.train.n_products, k)
        elif name == "novelty":
            found[name] = metrics.novelty(lists.values(), popularity, n_train_users, k)
        else:
            metric = {"ndcg": metrics.ndcg_at_k, "recall": metrics.recall_at_k, "hr": metrics.hit_rate_at_k,
                      "precision": metrics.precision_at_k}[name.split("@")[0]]
            found[name] = metrics.mean_over_users(metric, lists, split.test, k)
    return found


# -- the run ------------------------------------------------------------------------------------
PEER_GRIDS = {
    "ease": [{"l2": l2} for l2 in (50.0, 100.0, 250.0, 500.0, 1000.0, 2000.0)],
    "als": [{"factors": f, "regularization": r, "alpha": a}
            for f in (64, 128) for r in (0.05,) for a in (1.0, 10.0)],
}
MULTI_LEARNERS = ("decision_tree", "random_forest", "gradient_boosting", "neural_net")


def _peer(name: str, params: dict[str, Any], seed: int) -> Recommender:
    from shopgraph.models.als import ALSRecommender
    from shopgraph.models.ease import EASERecommender
    from shopgraph.models.popularity import PopularityRecommender

    if name == "als":
        return ALSRecommender(**{**params, "seed": seed})
    if name == "ease":
        return EASERecommender(**params)
    return PopularityRecommender(**params)


def _tune_peer(name: str, validation: Split, seed: int) -> tuple[dict[str, Any], float]:
    """The peer's parameters with the best validation NDCG@10 (the same data our rankers tune on)."""
    started = time.perf_counter()
    best, best_ndcg = {}, -1.0
    for params in PEER_GRIDS.get(name, [{}]):
        model = _peer(name, params, seed).fit(validation.train)
        found = measure(model, validation, ("ndcg@10",))["ndcg@10"]
        if found > best_ndcg:
            best, best_ndcg = params, found
    return best, time.perf_counter() - started


def evaluate(dataset: str, path: Path | None = None, seed: int = 42, progress: bool = True,
             tables=None, served: bool = True, served_strategies: Iterable[str] | None = None,
             neo4j=None, cap_variants: Iterable[str] | None = None) -> dict[str, Any]:
    """Run the dataset's protocol over every peer and ShopGraph strategy; the JSON of docs/evaluation.md.

    With ``served`` the result also has the served rows (``models.served_evaluation``): each strategy as the
    shop serves it, from a scratch Neo4j trained by ``shopgraph train``; the summary then judges the shop's
    default strategy on its served row. ``neo4j`` names a scratch server for them (default: one of their own);
    ``cap_variants`` the diversity settings the default strategy is also served under (default all of
    ``models.served_evaluation.CAP_VARIANTS``).
    """
    from tqdm.auto import tqdm

    from shopgraph import loaders
    from shopgraph.models.generators import GENERATORS, carve_validation, fit_generators
    from shopgraph.models.hybrid import HybridRecommender
    from shopgraph.models.multi import MultiRecommender
    from shopgraph.models.tuning import fit_and_choose

    if dataset not in PROTOCOLS:
        raise ValueError(f"no evaluation protocol for {dataset!r}; choose one of {', '.join(sorted(PROTOCOLS))}")
    protocol = PROTOCOLS[dataset]
    started = time.perf_counter()
    steps = ["read and split", "peers", "generators", "validation generators", "hybrid", "multi"]
    if served:
        steps.append("served")
    bar = tqdm(total=len(steps), desc=f"evaluate {dataset}", disable=not progress, unit="stage")

    def stage(name: str) -> None:
        bar.set_postfix_str(name)

    stage("read and split")
    tables = tables if tables is not None else loaders.read(dataset, path)
    interactions = dataset_interactions(tables, protocol)
    split = protocol.split(interactions)
    validation = carve_validation(split.train, protocol.validation, seed)
    bar.update()
    rows: list[dict[str, Any]] = []

    def record(name: str, family: str, model: Recommender, fit_seconds: float, **extra: Any) -> None:
        rows.append({"name": name, "family": family, "metrics": measure(model, split, protocol.metrics),
                     "fit_seconds": round(fit_seconds, 2), **extra})

    stage("peers")
    for name in ("popularity", "als", "ease"):
        params, tuning = _tune_peer(name, validation, seed)
        model = _peer(name, params, seed).fit(split.train)
        record(name, "peer", model, model.fit_seconds, params=params, tuning_seconds=round(tuning, 2))
    bar.update()

    # The generators fitted before the validation period choose their settings there (models.tuning), as
    # `shopgraph train` does, so the models in memory are the models the shop serves.
    stage("validation generators")
    validation_generators, chosen, settings = fit_and_choose(validation, seed, GENERATORS)
    bar.update()
    stage("generators")
    generators = fit_generators(split.train, seed, chosen)
    for name in GENERATORS:
        record(name, "shopgraph", generators[name], generators[name].fit_seconds)
    generator_seconds = sum(m.fit_seconds for m in generators.values()) + sum(
        m.fit_seconds for m in validation_generators.values())
    bar.update()

    stage("hybrid")
    hybrid = HybridRecommender(validation=protocol.validation, seed=seed,
                               generator_params=chosen).fit_with(
        split.train, generators, validation_generators, validation)
    record("hybrid", "shopgraph", hybrid, hybrid.fit_seconds + generator_seconds,
           weights=hybrid.weights, cold_weights=hybrid.cold_weights)
    bar.update()

    stage("multi")
    multi = MultiRecommender(validation=protocol.validation, seed=seed, generator_params=chosen).fit_with(
        split.train, generators, validation_generators, validation)
    multi_seconds = multi.fit_seconds + generator_seconds
    record("multi", "shopgraph", multi, multi_seconds, combination=multi.ranker.spec["combination"],
           training=multi.training_summary)
    for learner in MULTI_LEARNERS:
        record(f"multi:{learner}", "shopgraph", multi.using(learner), multi_seconds)
    bar.update()

    served_facts = None
    if served:
        from shopgraph.models.served_evaluation import CAP_VARIANTS, SERVED_STRATEGIES, served_rows, with_in_memory

        stage("served")
        found, served_facts = served_rows(tables, interactions, split, protocol.metrics, K,
                                          strategies=served_strategies or SERVED_STRATEGIES,
                                          cap_variants=CAP_VARIANTS if cap_variants is None else cap_variants,
                                          say=stage if progress else (lambda message: None), neo4j=neo4j)
        rows += with_in_memory(found, rows)
        bar.update()
    bar.close()

    counts = {"users": interactions.n_users, "products": interactions.n_products,
              "train_interactions": int(split.train.binary.nnz),
              "test_users": len(split.test), "test_pairs": int(sum(len(v) for v in split.test.values()))}
    result = {"dataset": dataset, "protocol": protocol.description, "k": K, "seed": seed, "counts": counts,
              "models": rows, "summary": summarise(rows), "generator_settings": settings,
              "seconds": round(time.perf_counter() - started, 1)}
    if served_facts is not None:
        result["served"] = served_facts
    return result


def summarise(rows: list[dict[str, Any]], metric: str = "ndcg@10") -> dict[str, Any]:
    """The best ShopGraph strategy against the best peer on ``metric``; with served rows, also the shop's
    default strategy as served against that peer (the figure a shopper gets)."""
    from shopgraph.models.serving import DEFAULT_STRATEGY

    ours = max((r for r in rows if r["family"] == "shopgraph"), key=lambda r: r["metrics"][metric])
    peer = max((r for r in rows if r["family"] == "peer"), key=lambda r: r["metrics"][metric])
    summary = {"metric": metric, "best_shopgraph": ours["name"], "best_peer": peer["name"],
               "best_shopgraph_value": ours["metrics"][metric], "best_peer_value": peer["metrics"][metric],
               "lift": _lift(ours["metrics"][metric], peer["metrics"][metric])}
    summary["goal_met"] = summary["lift"] >= 0.10
    # The shop's own settings only: the rows served under other diversity caps are there to compare.
    served = {r["name"]: r for r in rows if r["family"] == "served" and r["name"] == r.get("strategy", r["name"])}
    if served:
        best = max(served.values(), key=lambda r: r["metrics"][metric])
        default = served.get(DEFAULT_STRATEGY)
        summary.update({"best_served": best["name"], "best_served_value": best["metrics"][metric],
                        "default_strategy": DEFAULT_STRATEGY})
        if default is not None:
            summary["default_served_value"] = default["metrics"][metric]
            summary["default_served_ratio"] = round(default["metrics"][metric] / peer["metrics"][metric], 4) \
                if peer["metrics"][metric] else float("inf")
    return summary


def _lift(ours: float, peer: float) -> float:
    return round(ours / peer - 1.0, 4) if peer else float("inf")


# -- reports ------------------------------------------------------------------------------------
def markdown_table(result: dict[str, Any]) -> str:
    """The result as Markdown: the in-memory rows best NDCG@10 first, the served rows beside their in-memory
    figures, and the comparisons under them."""
    in_memory = [row for row in result["models"] if row["family"] != "served"]
    served = [row for row in result["models"] if row["family"] == "served"]
    names = list(in_memory[0]["metrics"]) if in_memory else []
    lines = [f"### {result['dataset']}", "", f"Protocol: {result['protocol']}.", "",
             "| model | family | " + " | ".join(names) + " | fit s |",
             "|---|---|" + "---|" * len(names) + "---|"]
    for row in sorted(in_memory, key=lambda r: -r["metrics"].get("ndcg@10", 0.0)):
        values = " | ".join(f"{row['metrics'][n]:.4f}" for n in names)
        lines.append(f"| {row['name']} | {row['family']} | {values} | {row['fit_seconds']:.1f} |")
    summary = result.get("summary")
    if summary:
        lines += ["", f"Best ShopGraph strategy in memory: **{summary['best_shopgraph']}** "
                      f"({summary['metric']} {summary['best_shopgraph_value']:.4f}); best peer: "
                      f"**{summary['best_peer']}** ({summary['best_peer_value']:.4f}); "
                      f"lift {summary['lift'] * 100:+.1f}% (goal +10%: {'met' if summary['goal_met'] else 'not met'})."]
    if served:
        peer = summary["best_peer_value"] if summary else 0.0
        lines += ["", "As served (`shopgraph train` on the training part in a scratch Neo4j, lists from "
                      "`shopgraph recommend --users FILE` for the test shoppers):", "",
                  "| strategy | " + " | ".join(names) + " | x best peer | in memory | served / in memory | s |",
                  "|---|" + "---|" * len(names) + "---|---|---|---|"]
        for row in sorted(served, key=lambda r: -r["metrics"].get("ndcg@10", 0.0)):
            values = " | ".join(f"{row['metrics'][n]:.4f}" for n in names)
            ratio = f"{row['metrics']['ndcg@10'] / peer:.2f}" if peer else "-"
            memory = row.get("in_memory") or {}
            gap = f"{memory['gap'] * 100:+.1f}%" if memory else "-"
            figure = f"{memory['ndcg@10']:.4f}" if memory else "-"
            lines.append(f"| {row['name']} | {values} | {ratio} | {figure} | {gap} | {row['serve_seconds']:.0f} |")
        if summary and "default_served_value" in summary:
            lines += ["", f"The shop's default strategy, **{summary['default_strategy']}**, as served: "
                          f"NDCG@10 {summary['default_served_value']:.4f}, "
                          f"**{summary['default_served_ratio']:.2f}x** the best peer."]
        if result.get("strategy_ranks"):
            from shopgraph.models.served_evaluation import rank_line

            lines += ["", "Where the strategies asked for with `--strategy` rank:", ""]
            lines += [f"- {rank_line(rank)}" for rank in result["strategy_ranks"]]
        facts = result.get("served") or {}
        if facts.get("acted"):
            lines += ["", "Shoppers who just acted: each test shopper with two test products or more has the first "
                          "written as an event in the scratch shop, and their list is scored on the rest:", "",
                      "| list | shoppers | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
            for row in facts["acted"]:
                values = " | ".join(f"{row['metrics'][n]:.4f}" for n in names)
                lines.append(f"| {row['name']} | {row['shoppers']} | {values} |")
        if facts.get("diversity"):
            lines += ["", f"Diversity chosen by training: {json.dumps(facts['diversity'], default=json_default)}."]
    return "\n".join(lines) + "\n"


def write_report(result: dict[str, Any], folder: Path | str, json_path: Path | str | None = None) -> dict[str, Path]:
    """``evaluation-<dataset>.json``, ``.md`` and ``.png`` (NDCG@10 by model) in ``folder``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"evaluation-{result['dataset']}"
    paths = {"json": folder / f"{stem}.json", "markdown": folder / f"{stem}.md", "plot": folder / f"{stem}.png"}
    text = json.dumps(result, indent=2, default=json_default)
    paths["json"].write_text(text)
    if json_path is not None:
        Path(json_path).parent.mkdir(parents=True, exist_ok=True)
        Path(json_path).write_text(text)
        paths["json_copy"] = Path(json_path)
    paths["markdown"].write_text(markdown_table(result))
    rows = sorted(result["models"], key=lambda r: r["metrics"].get("ndcg@10", 0.0))
    figure, axes = plt.subplots(figsize=(8, 0.35 * len(rows) + 1.2))
    colours = {"shopgraph": "#1f77b4", "served": "#ff7f0e"}
    axes.barh([f"{r['name']} (served)" if r["family"] == "served" else r["name"] for r in rows],
              [r["metrics"].get("ndcg@10", 0.0) for r in rows],
              color=[colours.get(r["family"], "#999999") for r in rows])
    axes.set_xlabel("NDCG@10")
    axes.set_title(f"{result['dataset']}: NDCG@10 by model (blue: in memory, orange: served, grey: peers)")
    figure.tight_layout()
    figure.savefig(paths["plot"], dpi=120)
    plt.close(figure)
    return paths

