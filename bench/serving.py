"""The serving phases: each endpoint of a running shop at 1, 8 and 32 concurrent clients, then a soak.

Every phase is one ``bench.loadgen`` subprocess (Locust as a library) against the same gunicorn,
one endpoint at a time, so health and recommendations are measured under the same conditions and
their throughput ratio means something. The load generator shares the machine's cores with the
shop and Neo4j; the ratio cancels much of that, absolute figures do not.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from shopgraph.bench.loadgen import MAX_EXTRA_WARMUP
from shopgraph.bench.memory import MemorySampler
from shopgraph.bench.processor import Parts, PhaseClock
from shopgraph.bench.workloads import Workload
from shopgraph.graph.settings import workspace

Say = Callable[[str], None]

#: The phases of shoppers who act that are set against health measured just before them.
AGAINST_HEALTH = ("live", "stored pair")


@dataclass(frozen=True)
class Timing:
    """How each phase runs: its warm-up and length; every phase also stops after ``max_requests`` measured requests.

    ``visits_per_connection``: visits (a request, or an act-then-read pair) each client makes on one connection
    before it opens another. With connections kept for a whole phase, which gunicorn worker accepted each of the
    few clients' connections decided the phase: all eight on one worker halved health's requests per second. A
    shop's many shoppers come and go; a new connection goes to whichever worker accepts it first.
    """

    warmup: float
    duration: float
    max_requests: int = 200_000
    visits_per_connection: int = 20


def run_phase(url: str, workloads: Sequence[Workload], clients: int, timing: Timing,
              cursor: dict[str, int] | None = None, duration: float | None = None) -> dict:
    """One load phase of ``clients`` closed-loop clients over ``workloads`` (mixed by weight).

    ``cursor`` holds where each endpoint's walk through its paths stands; the phase starts there
    and moves it on, so consecutive phases ask for different shoppers and products.
    """
    duration = timing.duration if duration is None else duration
    cursor = {} if cursor is None else cursor
    spec = {
        "host": url,
        "targets": [workload.target(cursor.get(workload.endpoint, 0)) for workload in workloads],
        "clients": clients,
        "warmup": timing.warmup,
        "duration": duration,
        "max_requests": timing.max_requests,
        "seed": sum(cursor.values()),
        "visits_per_connection": timing.visits_per_connection,
    }
    # Spawning the clients, the warm-up and its extension, the phase, and room to start and stop.
    limit = 30 + timing.warmup + MAX_EXTRA_WARMUP + duration + 60
    process = subprocess.Popen([sys.executable, "-m", "shopgraph.bench.loadgen"], cwd=workspace(), text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    try:
        out, err = process.communicate(json.dumps(spec), timeout=limit)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return _failed(clients, workloads, f"the load generator ran longer than {limit:.0f} s")
    except BaseException:
        process.kill()
        process.communicate()
        raise
    if process.returncode != 0 or not out.strip():
        return _failed(clients, workloads,
                       f"the load generator failed (exit {process.returncode}): {err.strip()[-400:]}")
    result = json.loads(out.strip().splitlines()[-1])
    cursor.update(result.pop("next_offsets", {}))
    return result


def _failed(clients: int, workloads: Sequence[Workload], message: str) -> dict:
    broken = {"requests": 0, "failures": 1, "errors": {message: 1}, "seconds": 0.0, "rps": 0.0,
              "latency_ms": None, "distinct_paths": 0}
    return {"clients": clients, "total": broken, "endpoints": {w.endpoint: dict(broken) for w in workloads}}


def warm_up(url: str, workloads: dict[str, Workload], endpoints: Sequence[str], at_once: int = 4,
            timeout: float = 180.0) -> dict[str, float]:
    """Ask each endpoint a few times at once before anything is measured.

    A fresh worker loads models, fills caches and has Neo4j plan its queries on its first requests;
    that start-up is real but it is not serving speed. Returns the seconds each endpoint took to
    answer its first requests (the cold start), failures included.
    """
    seconds = {}
    with ThreadPoolExecutor(at_once) as pool:
        for endpoint in endpoints:
            workload = workloads[endpoint]
            paths = [workload.paths[n % len(workload.paths)] for n in range(at_once)]
            began = time.perf_counter()
            list(pool.map(lambda path, workload=workload: _get(url + path, workload.headers, timeout), paths))
            seconds[endpoint] = round(time.perf_counter() - began, 2)
    return seconds


def _get(url: str, headers: dict[str, str], timeout: float) -> int | None:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def measure(url: str, workloads: dict[str, Workload], endpoints: Sequence[str], clients: Sequence[int],
            timing: Timing, cursor: dict[str, int], memory: MemorySampler | None = None, say: Say = print,
            label: str = "") -> dict:
    """Each endpoint alone at each client count, after a warm-up; returns the phases, the throughput
    ratios and the cold-start seconds of each endpoint."""
    if memory:
        memory.mark("warm-up")
    cold_start = warm_up(url, workloads, endpoints)
    say(f"{label}warmed up: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in cold_start.items()))
    phases = []
    for level in clients:
        for endpoint in endpoints:
            if memory:
                memory.mark(f"{endpoint}@{level}")
            result = run_phase(url, [workloads[endpoint]], level, timing, cursor)
            phase = {"endpoint": endpoint, "clients": level, **result["endpoints"][endpoint]}
            phases.append(phase)
            say(f"{label}{endpoint:>15} at {level:>2} clients: {describe(phase)}")
    if memory:
        memory.mark("idle")
    return {"phases": phases, "ratio": throughput_ratio(phases), "cold_start_seconds": cold_start}


def soak(url: str, workloads: dict[str, Workload], clients: int, seconds: float, timing: Timing,
         cursor: dict[str, int], memory: MemorySampler | None = None, say: Say = print) -> dict:
    """A longer mixed run (mostly recommendations) for the memory figures."""
    mix = {"recommendations": 6, "product_page": 2, "search_page": 1, "health": 1}
    targets = [Workload(w.endpoint, w.paths, w.headers, mix.get(w.endpoint, 1)) for w in workloads.values()]
    if memory:
        memory.mark(f"soak@{clients}")
    result = run_phase(url, targets, clients, timing, cursor, duration=seconds)
    if memory:
        memory.mark("idle")
    say(f"{'soak (mixed)':>15} at {clients:>2} clients for {seconds:.0f} s: {describe(result['total'])}")
    return {"clients": clients, "seconds": seconds, "mix": mix, **result}


def live(url: str, workloads: dict[str, Workload], clients: Sequence[int], timing: Timing, cursor: dict[str, int],
         health_rps: dict[int, float], memory: MemorySampler | None = None, say: Say = print,
         label: str = "", warmup: float = 0.0, parts: Parts | None = None) -> list[dict]:
    """The shoppers who act: a **live** phase per client count (every client likes a product for a shopper, then
    reads that shopper's list: never a list stored as it is), a **mixed** phase at the most clients (four
    reads of other shoppers' lists to every act-then-read) and, as the live phase's yardstick, a **stored pair**
    phase at the most clients: the same likes, each followed by the list of a shopper who did not act, served as the
    stored-path phases serve it (stored ahead, or cached when they asked for it minutes before). What a live pair
    costs beyond a stored pair is the list built after the event; what a stored pair costs is two API requests, one
    of them a write, whatever the list path.

    Each row has the list's and the event's latencies, pairs (event + list) per second and, as the yardstick,
    that rate over health's requests per second at the same client count, measured again just before each live
    phase and the stored pair: this machine's speed drifts by a third within one run, and health's figure from the
    first phases (``health_rps``, kept in the row as ``health_rps_earlier``) was taken minutes before.

    ``warmup`` seconds of pairs at the most clients come first, as a **warm-up** row of their own (judged by no
    goal): the server's first pairs. Neo4j's JVM compiles the code the event's write and the fold's walks run to
    machine code over their first thousands of runs, and the stored-path phases before warm up only what they
    share. After 90 s of stored lists on a Neo4j just started, its processor time per pair was 7.2 ms over the
    first 15 s of pairs and 4.7 ms over the next; from a Neo4j just started, 15 ms falling to 6.5 ms over a minute.
    A shop's Neo4j serves for days: the live phases measure that, and the warm-up row the start.

    ``parts``: the processes of the shop's workers and of Neo4j (``bench.processor``); given, each row but the mixed
    one says how many milliseconds of processor time each part, and the load generator, spent per pair, and the
    live and stored pair rows the same per request of the health phase just before them.
    """
    acting = workloads["live"]
    phases = []
    plan = [("warm-up", max(clients), [acting])] if warmup > 0 else []
    plan += [("live", level, [acting]) for level in clients]
    plan.append(("mixed", max(clients), [workloads["recommendations"].weighted(4), acting.weighted(1)]))
    if workloads["stored_pair"].act:
        plan.append(("stored pair", max(clients), [workloads["stored_pair"]]))
    health_now: dict[int, float] = {}
    health_cpu: dict[int, dict[str, float] | None] = {}
    for name, level, targets in plan:
        if name in AGAINST_HEALTH:
            with PhaseClock(parts) as clock:
                health = run_phase(url, [workloads["health"]], level, timing, cursor)["endpoints"].get("health") or {}
            health_now[level] = health.get("rps") or 0.0
            health_cpu[level] = clock.per(health.get("requests") or 0)
        if memory:
            memory.mark(f"{name}@{level}")
        with PhaseClock(parts) as clock:
            result = run_phase(url, targets, level, timing, cursor, duration=warmup if name == "warm-up" else None)
        endpoints = result["endpoints"]
        health = health_now.get(level) or health_rps.get(level)
        # The target whose pairs are counted: the list after its event is its endpoint's, other reads are the
        # recommendations walk's.
        paired = next(target.endpoint for target in targets if target.act)
        row = {"phase": name, "clients": level, "recommendations": endpoints.get(paired),
               "event": endpoints.get(f"{paired} event"),
               "reads": endpoints.get("recommendations") if paired != "recommendations" else None,
               "pairs": result.get("pairs", 0), "pairs_per_second": result.get("pairs_per_second", 0.0),
               "health_rps": health, "health_rps_earlier": health_rps.get(level),
               "pairs_to_health": round(result.get("pairs_per_second", 0.0) / health, 3) if health else None,
               # A mixed phase's processor time is its reads' too, so per pair it would mean nothing.
               "cpu_ms_per_pair": clock.per(result.get("pairs", 0)) if name != "mixed" else None,
               "health_cpu_ms_per_request": health_cpu.get(level) if name in AGAINST_HEALTH else None}
        phases.append(row)
        say(f"{label}{name:>15} at {level:>2} clients: list after the event {describe(row['recommendations'] or {})}; "
            f"event {describe(row['event'] or {})}; {row['pairs_per_second']:.0f} pairs/s"
            + (f" (health just before: {health:.0f} req/s)" if name in AGAINST_HEALTH and health else ""))
    if memory:
        memory.mark("idle")
    return phases


def throughput_ratio(phases: list[dict]) -> dict[str, float | None]:
    """Recommendations requests/s over health requests/s, per client count (the figure to quote)."""
    rps = {(p["endpoint"], p["clients"]): p["rps"] for p in phases}
    ratios = {}
    for (endpoint, level), value in rps.items():
        if endpoint != "recommendations":
            continue
        health = rps.get(("health", level))
        ratios[str(level)] = round(value / health, 3) if health else None
    return ratios


def describe(phase: dict) -> str:
    latency = phase.get("latency_ms")
    if not latency:
        return f"FAILED: {next(iter(phase.get('errors') or {'no result': 1}))}"
    return (f"p50 {latency['p50']:.1f} ms, p95 {latency['p95']:.1f} ms, p99 {latency['p99']:.1f} ms, "
            f"{phase['rps']:.0f} req/s, {phase['failures']} errors")
