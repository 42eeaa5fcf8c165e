"""Served rows for ``shopgraph evaluate``: the lists the shop itself serves, scored like the models in memory.

The in-memory rows score models as fitted; a shopper gets something else: candidates read from the graph,
live walks, the trained blend or ranker, the diversity cap. So for each protocol the training part is
written into a scratch Neo4j of its own (the shop as it stood the day training ended: the catalogue the
protocol ranks over, the shoppers and their events before the split), ``shopgraph train`` trains and
publishes exactly as it does for a shop, and ``shopgraph recommend --users FILE`` gives every test shopper's
list per strategy. Each list is asked ``SERVED_K`` long and scored as the in-memory lists are: the shopper's
training products left out (the protocol's filter; the shop may offer a repeat purchase again), the first
ten against the test part.

A strategy file (``models.strategy_files``) is served like any strategy: ``shopgraph evaluate --strategy NAME``
adds its row, and ``where_it_ranks`` says where that row stands among the served rows, and among every row of the
report (the peers and the models in memory too). The hybrid and multi rows are served with the candidate-source
files (``Candidate source: yes``) among their generators, as a shop serves them; ``SHOPGRAPH_CANDIDATE_SOURCES=off``
in the environment serves and trains them without.

The scratch server and the command runner are the bench's: both run the shop the way its users do.
"""
from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from shopgraph.graph.settings import Neo4jSettings, home
from shopgraph.loaders.tables import Tables
from shopgraph.models.data import Interactions
from shopgraph.models.splits import Split

#: How long a list each shopper is asked for; the protocol's filter may take some of it away.
SERVED_K = 20
#: The strategies every served evaluation scores (the shop's own strategies, visitors' trending aside).
SERVED_STRATEGIES = ("popular", "content", "collaborative", "item_regression", "mf", "embedding", "hybrid", "multi")
#: The shop's default strategy is also served under these diversity settings (``SHOPGRAPH_DIVERSITY_CAP``), so
#: the report shows what the cap training chose costs or gains against none and the old fixed cap of three.
CAP_VARIANTS = ("off", "3")
#: Each ``shopgraph`` command may take this long before the evaluation gives up on it.
COMMAND_TIMEOUT = 3600.0


def training_tables(tables: Tables, interactions: Interactions, split: Split,
                    ending: pd.Timestamp | None = None) -> Tables:
    """The split's training part as loader tables: the protocol's products (every product it ranks over,
    with the loader's text and categories), the shoppers with training events, and those events. With ``ending``
    (UTC, naive) every event is moved by the same amount so that the last one falls then: the times between
    events, all that trending and recency read, stay as they were."""
    events = split.train.events
    frame = pd.DataFrame({
        "user_id": interactions.user_ids[events["user"].to_numpy()].astype(str),
        "product_id": interactions.product_ids[events["product"].to_numpy()].astype(str),
        "type": events["type"].to_numpy(),
        "value": events["value"].to_numpy(),
        "timestamp": events["timestamp"].to_numpy(),
        "order_id": events["order_id"].to_numpy(),
        "price": events["price"].to_numpy(),
    })
    if ending is not None and len(frame):
        frame["timestamp"] = frame["timestamp"] + (ending - frame["timestamp"].max())
    products = tables.products[tables.products["id"].astype(str).isin(set(interactions.product_ids))]
    shoppers = set(frame["user_id"])
    users = tables.users[tables.users["id"].astype(str).isin(shoppers)] if len(tables.users) else tables.users
    return Tables(tables.dataset, products.reset_index(drop=True), tables.categories, users.reset_index(drop=True),
                  frame)


def served_lists(path: Path, interactions: Interactions, split: Split, k: int) -> tuple[dict[int, list[int]], int]:
    """Each test shopper's served list from a ``shopgraph recommend`` JSON-lines file, as product indices
    without the shopper's training products, cut to ``k``; and how many training products were left out.

    A served product outside the protocol's catalogue keeps its place as -1 (it fills a slot, and misses).
    """
    seen = split.train.binary
    lists: dict[int, list[int]] = {}
    dropped = 0
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            user = interactions.user_index.get(row["user_id"])
            if user is None or user not in split.test:
                continue
            indices = [interactions.product_index.get(item["product_id"], -1) for item in row["items"]]
            taken = set(seen.indices[seen.indptr[user]:seen.indptr[user + 1]].tolist())
            kept = [index for index in indices if index < 0 or index not in taken]
            dropped += len(indices) - len(kept)
            lists[user] = kept[:k]
    return lists, dropped


def served_rows(tables: Tables, interactions: Interactions, split: Split, protocol_metrics: Iterable[str],
                k: int, strategies: Iterable[str] = SERVED_STRATEGIES, cap_variants: Iterable[str] = CAP_VARIANTS,
                logs: Path | None = None,
                say: Callable[[str], None] = lambda message: None,
                neo4j: Neo4jSettings | None = None, acted: bool = True) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One row per strategy as served (family "served"), in the shape of the in-memory rows; and facts of the
    served shop (the diversity cap training chose, seconds per step).

    Starts and stops a scratch Neo4j instance of its own (the local jars: ``shopgraph neo4j fetch``), unless
    ``neo4j`` names a scratch server to use instead, whose graph it empties. ``cap_variants`` are the diversity
    settings the default strategy is also served under. With ``acted``, the facts also hold the default strategy's
    rows for shoppers who just acted (``models.acted_evaluation``). What each command printed goes to ``logs``
    (default ``.shopgraph/evaluate-<dataset>/commands/``).
    """
    from shopgraph.bench.scratch import bench_neo4j, child_environment
    from shopgraph.bench.shop import run_shopgraph
    from shopgraph.graph.db import Graph
    from shopgraph.loaders.writer import write_tables
    from shopgraph.models.acted_evaluation import acted_rows
    from shopgraph.models.evaluation import score_lists
    from shopgraph.models.serving import DEFAULT_STRATEGY

    protocol_metrics = tuple(protocol_metrics)
    rows: list[dict[str, Any]] = []
    facts: dict[str, Any] = {"seconds": {}}
    with tempfile.TemporaryDirectory(prefix="shopgraph-evaluate-") as scratch:
        scratch_dir = Path(scratch)
        # Kept after the run (the scratch data is not), for a look at what a command printed.
        logs = logs or home() / f"evaluate-{tables.dataset}" / "commands"
        # One scratch instance per dataset, so that both protocols may run at once.
        with (nullcontext(neo4j) if neo4j is not None else bench_neo4j(f"evaluate-{tables.dataset}")) as settings:
            env = child_environment(settings, scratch_dir / "artifacts")
            started = time.perf_counter()
            say("served: loading the training part into a scratch Neo4j")
            with Graph(settings) as graph:
                # Dated so that training ended now: an event written later through the shop's own code (the acts
                # below) then follows the training part by minutes, as in a live shop, not by years.
                write_tables(graph, training_tables(tables, interactions, split, ending=_utc_now()), reset=True,
                             progress=False)
            facts["seconds"]["load"] = round(time.perf_counter() - started, 1)

            started = time.perf_counter()
            say("served: shopgraph train")
            run_shopgraph(["train"], env, logs / "train.log", timeout=COMMAND_TIMEOUT)
            facts["seconds"]["train"] = round(time.perf_counter() - started, 1)
            facts.update(_trained_facts(scratch_dir / "artifacts"))

            # The test part's shoppers only: nobody else's list is scored.
            shoppers = scratch_dir / "shoppers.txt"
            shoppers.write_text("".join(f"{interactions.user_ids[user]}\n" for user in sorted(split.test)))
            runs: list[tuple[str, str | None]] = [(strategy, None) for strategy in strategies]
            runs += [(DEFAULT_STRATEGY, cap) for cap in cap_variants if DEFAULT_STRATEGY in strategies]
            for strategy, cap in runs:
                name = strategy if cap is None else f"{strategy} [diversity cap {cap}]"
                started = time.perf_counter()
                say(f"served: shopgraph recommend --strategy {name}")
                out = scratch_dir / f"{name}.jsonl"
                run_shopgraph(["recommend", "--users", str(shoppers), "--k", str(SERVED_K), "--strategy", strategy,
                               "--out", str(out)], env if cap is None else {**env, "SHOPGRAPH_DIVERSITY_CAP": cap},
                              logs / f"recommend-{strategy}-{cap or 'auto'}.log", timeout=COMMAND_TIMEOUT)
                seconds = time.perf_counter() - started
                lists, dropped = served_lists(out, interactions, split, k)
                rows.append({"name": name, "strategy": strategy, "family": "served",
                             "metrics": score_lists(lists, split, protocol_metrics, k),
                             "serve_seconds": round(seconds, 1), "training_products_left_out": dropped})
            if acted and DEFAULT_STRATEGY in strategies:
                # Last: it writes each acting shopper's event into the scratch shop.
                started = time.perf_counter()
                facts["acted"] = acted_rows(settings, env, interactions, split, protocol_metrics, k, DEFAULT_STRATEGY,
                                            scratch_dir, logs, say)
                facts["seconds"]["acted"] = round(time.perf_counter() - started, 1)
    return rows, facts


def _utc_now() -> pd.Timestamp:
    return pd.Timestamp.now(tz="UTC").tz_localize(None)


def _trained_facts(artefacts: Path) -> dict[str, Any]:
    """What the scratch shop's training decided that serving then uses (from the version's metadata)."""
    versions = sorted((artefacts / "models").glob("*/metadata.json"))
    if not versions:
        return {}
    metadata = json.loads(versions[-1].read_text())
    return {key: metadata[key] for key in ("diversity", "fold", "generator_settings") if key in metadata}


def with_in_memory(served: list[dict[str, Any]], in_memory: list[dict[str, Any]],
                   metric: str = "ndcg@10") -> list[dict[str, Any]]:
    """The served rows, each with its strategy's in-memory figure and the gap between them."""
    memory = {row["name"]: row["metrics"].get(metric) for row in in_memory if row["family"] == "shopgraph"}
    for row in served:
        figure = memory.get(row.get("strategy", row["name"]))
        if figure:
            gap = float(np.float64(row["metrics"][metric]) / figure - 1.0)
            row["in_memory"] = {metric: figure, "gap": round(gap, 4)}
    return served


def where_it_ranks(result: dict[str, Any], strategy: str, metric: str = "ndcg@10") -> dict[str, Any] | None:
    """Where ``strategy``'s served row stands in an evaluation ``result``: its figure, its place among the served
    rows (each strategy under the shop's own settings) and among every row, and its ratio to the best peer. None
    when the result has no served row for it."""
    rows = result["models"]
    own = [row for row in rows if row["family"] == "served" and row["name"] == row.get("strategy", row["name"])]
    mine = next((row for row in own if row["name"] == strategy), None)
    if mine is None:
        return None
    value = mine["metrics"][metric]
    peers = [row for row in rows if row["family"] == "peer"]
    best_peer = max(peers, key=lambda row: row["metrics"][metric]) if peers else None
    return {
        "strategy": strategy, "metric": metric, "value": value,
        "served_rank": 1 + sum(row["metrics"][metric] > value for row in own), "served_rows": len(own),
        "overall_rank": 1 + sum(row["metrics"][metric] > value for row in rows if row is not mine),
        "rows": len(rows),
        "best_peer": best_peer["name"] if best_peer else None,
        "peer_ratio": round(value / best_peer["metrics"][metric], 4)
        if best_peer and best_peer["metrics"][metric] else None,
    }


def rank_line(rank: dict[str, Any]) -> str:
    """``where_it_ranks`` in a sentence, e.g. "comes_back_for as served: NDCG@10 0.0712, 4th of 9 strategies as
    served, 11th of 24 rows in all, 0.69x ease (the best peer)"."""
    text = (f"{rank['strategy']} as served: {rank['metric'].upper()} {rank['value']:.4f}, "
            f"{_ordinal(rank['served_rank'])} of {rank['served_rows']} strategies as served, "
            f"{_ordinal(rank['overall_rank'])} of {rank['rows']} rows in all")
    if rank["peer_ratio"] is not None:
        text += f", {rank['peer_ratio']:.2f}x {rank['best_peer']} (the best peer)"
    return text


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
