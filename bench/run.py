"""The whole benchmark, in order, as one call: ``run(BenchConfig(...))`` returns the results dict.

1. a fresh Neo4j instance of the bench's own (or a scratch server the caller passes, which must be empty);
2. ingestion: the dataset loaded into the empty graph of the fresh server (the first load, reported
   as such), then the graph emptied and the dataset loaded again: the rate a running shop's server
   loads at, once its JVM has compiled the load's code, and the figure the goal is judged on;
3. training: ``shopgraph train`` into a scratch artefact folder;
4. serving at 1x: a fresh ``shopgraph serve``, every endpoint at each client count, then a soak,
   with the workers' memory sampled throughout;
5. growth: for each larger scale, the cloned shoppers it adds are loaded (ingestion figures), then
   recommendations and health are served again from a fresh ``shopgraph serve``.

Everything the run starts (Neo4j, gunicorn, Locust, the commands) is stopped before it returns,
also when it fails or is interrupted. A part that fails with a ``BenchError`` is recorded in
``results["errors"]`` and the run goes on with what it can still measure.
"""
from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shopgraph import loaders
from shopgraph.bench import goals, growth, ingestion, live_build, machine, serving, training
from shopgraph.bench.memory import MemorySampler, children
from shopgraph.bench.processor import local_server_pid
from shopgraph.bench.report import DEFAULT_FOLDER
from shopgraph.bench.scratch import BenchError, bench_neo4j, child_environment
from shopgraph.bench.shop import ShopServer, create_token
from shopgraph.bench.workloads import ENDPOINTS, acting_shoppers, asked_shoppers, build, shoppers
from shopgraph.graph.db import Graph
from shopgraph.graph.settings import Neo4jSettings
from shopgraph.loaders.tables import Tables
from shopgraph.loaders.writer import graph_counts

Say = Callable[[str], None]


@dataclass(frozen=True)
class BenchConfig:
    dataset: str = "online-retail"
    path: Path | None = None
    scales: tuple[int, ...] = (1, 2, 4, 8)
    clients: tuple[int, ...] = (1, 8, 32)
    endpoints: tuple[str, ...] = ENDPOINTS
    growth_endpoints: tuple[str, ...] = ("health", "recommendations")
    warmup: float = 3.0
    duration: float = 15.0
    # Shorter phases at the larger scales keep a full run well under half an hour on 2 cores.
    growth_duration: float | None = 10.0
    # With the phases before it, the soak makes the 1x shop's loaded run about ten minutes long.
    soak: float = 380.0
    soak_clients: int = 8
    # Client counts of the live phases (shoppers who act, then read); the mixed phase runs at the most of them.
    live_clients: tuple[int, ...] = (1, 8)
    # Seconds of act-then-read pairs before the live phases, reported as a row of their own (``serving.live``).
    live_warmup: float = 30.0
    # Loads into the emptied graph of the running server, after the first; their median is the ingestion
    # figure judged (``bench.ingestion.median_load``).
    running_loads: int = 3
    max_requests: int = 200_000
    # A new connection per client after this many visits (``serving.Timing``).
    visits_per_connection: int = 20
    train: bool = True
    retrain_growth: bool = False
    workers: int | None = None
    threads: int | None = None
    seed: int = 42
    quick: bool = False
    train_timeout: float = 1800.0

    @classmethod
    def quick_run(cls, **overrides) -> BenchConfig:
        """A few minutes: scales 1 and 2, short phases, a short soak."""
        settings: dict[str, Any] = dict(scales=(1, 2), warmup=1.0, duration=5.0, growth_duration=None, soak=30.0,
                                        running_loads=1, quick=True)
        settings.update(overrides)
        return cls(**settings)

    def with_changes(self, **changes) -> BenchConfig:
        return replace(self, **{key: value for key, value in changes.items() if value is not None})

    def as_dict(self) -> dict:
        values = asdict(self)
        values["path"] = str(self.path) if self.path else None
        return values


@dataclass
class _Context:
    config: BenchConfig
    env: dict[str, str]
    artefacts: Path
    logs: Path
    say: Say
    graph: Graph
    errors: list[str] = field(default_factory=list)


def run(config: BenchConfig, folder: Path = DEFAULT_FOLDER, neo4j: Neo4jSettings | None = None,
        say: Say = print) -> dict:
    """Run the benchmark and return its results (``bench.report.write`` turns them into files).

    ``neo4j``: a scratch server to use instead of starting the bench's own; it must hold no data.
    """
    began = time.perf_counter()
    results: dict = {
        "version": 1,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine.describe(),
        "config": config.as_dict(),
        "scales": [],
        "errors": [],
    }
    with ExitStack() as stack:
        if neo4j is None:
            say("starting the bench's own Neo4j instance")
            neo4j = stack.enter_context(bench_neo4j())
        artefacts = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="shopgraph-bench-")))
        graph = stack.enter_context(Graph(neo4j))
        context = _Context(config, child_environment(neo4j, artefacts), artefacts, folder / "logs", say, graph,
                           results["errors"])
        _require_empty(graph)

        say(f"reading {config.dataset}")
        started = time.perf_counter()
        tables = loaders.read(config.dataset, config.path)
        read_seconds = time.perf_counter() - started
        results["dataset"] = {
            "name": config.dataset,
            "products": int(len(tables.products)),
            "shoppers": len(shoppers(tables)),
            "events": int(len(tables.events)),
        }
        say(f"loading {config.dataset} into the empty graph of a fresh server")
        first_load = ingestion.measure_load(graph, tables, read_seconds)
        _say_load(say, first_load)
        running, repeats = [], max(1, config.running_loads)
        for attempt in range(1, repeats + 1):
            say(f"emptying the graph and loading {config.dataset} again, on the running server "
                f"({attempt} of {repeats})")
            graph.wipe()
            running.append(ingestion.measure_load(graph, tables, read_seconds))
            _say_load(say, running[-1])
        results["ingestion"] = ingestion.median_load(running)
        results["ingestion"]["first_load"] = first_load

        token = _attempt(context, "token", lambda: create_token(context.env, context.logs / "token.log"))
        if config.train:
            results["training"] = _train(context, "training")
        base = {"scale": 1, "shoppers": len(shoppers(tables)), "ingestion": results["ingestion"]}
        base.update(_serve(context, tables, token or "", 1, config.endpoints, soak=True))
        results["scales"].append(base)

        previous = 1
        for scale in sorted({s for s in config.scales if s > 1}):
            say(f"growing the data to {scale}x with cloned shoppers")
            step: dict = {"scale": scale, "shoppers": len(shoppers(tables, scale))}
            step["ingestion"] = ingestion.measure_load(graph, growth.cloned_shoppers(tables, range(previous, scale)))
            _say_load(say, step["ingestion"])
            previous = scale
            if config.retrain_growth and config.train:
                step["training"] = _train(context, f"training-{scale}x")
            step.update(_serve(context, tables, token or "", scale, config.growth_endpoints, soak=False))
            results["scales"].append(step)

    results["goals"] = goals.evaluate(results)
    results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["seconds"] = round(time.perf_counter() - began, 1)
    results["load_average_end"] = machine.load_average()
    return results


def _say_load(say: Say, load: dict) -> None:
    say(f"  {load['relationships_written']:,} relationships in {load['write_seconds']:.1f} s: "
        f"{load['relationships_per_second']:,.0f} relationships/s")


def _require_empty(graph: Graph) -> None:
    held = {name: count for name, count in graph_counts(graph).items() if count}
    if held:
        raise BenchError(f"the bench's graph must start empty, and it holds {held}; "
                         "the bench never wipes a graph, give it a fresh one")


def _attempt(context: _Context, what: str, work: Callable):
    try:
        return work()
    except BenchError as error:
        context.errors.append(f"{what}: {error}")
        context.say(f"  {what} failed: {error}")
        return None


def _train(context: _Context, name: str) -> dict:
    context.say("training every model (`shopgraph train`)")
    result = _attempt(context, name, lambda: training.measure_training(
        context.env, context.artefacts, context.logs / f"{name}.log", context.config.train_timeout))
    if result is None:
        return {"error": context.errors[-1]}
    context.say(f"  {result['seconds']:.1f} s in total; " +
                ", ".join(f"{model} {seconds:.1f} s" for model, seconds in result["models"].items()))
    return result


def _serve(context: _Context, tables: Tables, token: str, scale: int, endpoints: tuple[str, ...],
           soak: bool) -> dict:
    config = context.config
    workloads = build(tables, token, config.seed)
    duration = config.duration if scale == 1 else config.growth_duration or config.duration
    timing = serving.Timing(config.warmup, duration, config.max_requests, config.visits_per_connection)
    # Every scale walks the shoppers from the start: same shoppers, same order, a fresh shop.
    cursor: dict[str, int] = {}
    context.say(f"building lists live at {scale}x, in-process")
    live = _attempt(context, f"live builds at {scale}x", lambda: live_build.measure_live_builds(
        context.graph, context.artefacts, asked_shoppers(tables, config.seed)))
    if live and live["latency_ms"]:
        context.say(f"  p50 {live['latency_ms']['p50']:.1f} ms, p99 {live['latency_ms']['p99']:.1f} ms")
    context.say(f"serving at {scale}x: `shopgraph serve` on loopback")

    neo4j = local_server_pid(context.env["NEO4J_URI"])

    def measure() -> dict:
        with ShopServer(context.env, context.logs / f"serve-{scale}x.log", config.workers, config.threads) as shop:
            def parts() -> dict[str, list[int]]:
                return {"app workers": children(shop.pid), **({"neo4j": [neo4j]} if neo4j else {})}

            with MemorySampler(shop.pid) as memory:
                measured = serving.measure(shop.url, workloads, endpoints, config.clients, timing, cursor, memory,
                                           context.say, label=f"  {scale}x ")
                if soak and config.soak > 0:
                    measured["soak"] = serving.soak(shop.url, {name: workloads[name] for name in endpoints},
                                                    config.soak_clients, config.soak, timing, cursor, memory,
                                                    context.say)
                health = {p["clients"]: p["rps"] for p in measured["phases"] if p["endpoint"] == "health"}
                measured["live"] = serving.live(shop.url, workloads, config.live_clients, timing, cursor, health,
                                                memory, context.say, label=f"  {scale}x ", warmup=config.live_warmup,
                                                parts=parts)
            # The next scale's shoppers who act start from their stored lists again, as after a nightly store.
            live_build.restore_lists(context.graph, context.artefacts, acting_shoppers(tables, config.seed))
            measured["shoppers_asked"] = len(workloads["recommendations"].paths)
            # Other work on the machine moves every figure; this says how much there was.
            measured["load_average_after"] = machine.load_average()
            return {"serving": measured, "memory": memory.result()}

    return {"live_builds": live, **(_attempt(context, f"serving at {scale}x", measure) or {})}
