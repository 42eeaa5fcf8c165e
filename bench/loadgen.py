"""One load phase: N concurrent clients drive a running shop, with Locust as a library.

Run it as its own process, ``python -m bench.loadgen`` with the phase's spec as JSON on stdin; it
prints the phase's figures as one JSON object on stdout. It lives in a subprocess because Locust
monkey-patches the whole interpreter for gevent on import, which the bench's Neo4j driver and
threads must not see. ``bench.serving`` builds the spec and reads the answer.

The spec::

    {"host": "http://127.0.0.1:8123",
     "targets": [{"endpoint": "recommendations", "weight": 1, "paths": ["/api/v1/...", ...],
                  "headers": {"Authorization": "Bearer ..."}, "offset": 0}],
     "clients": 8, "warmup": 3.0, "duration": 20.0, "max_requests": 100000, "seed": 0,
     "visits_per_connection": 20}

A target with ``"act"`` is a shopper who acts, then reads: its paths are that shopper's recommendations,
and before each one the client posts the event ``act`` names for them (``{"path": "/api/v1/events",
"bodies": [...]}``, one body per path, in the same order). The event's latency counts under
``<endpoint> event``, the list's under ``<endpoint>``, and ``pairs`` says how many of both were answered.

Each client is a closed loop (a new request as soon as the last one answers), and opens a new connection after
``visits_per_connection`` visits (a request, or an act-then-read pair; 0 keeps one connection). A request picks a
target by weight, then that target's next path: paths are walked in order from the target's
``offset``, and the answer's ``next_offsets`` say where each walk stopped, so the next phase can
go on from there: a shopper comes round again only after every other one has been asked for.
Requests during the warm-up are not counted. The phase stops by itself after ``duration`` seconds or
``max_requests`` measured requests, whichever comes first. Latencies are exact (every measured
request is kept), not Locust's rounded histogram. A failure is a connection error or any status
other than 2xx.
"""
from __future__ import annotations

import json
import math
import random
import sys
import time

#: Seconds the warm-up may run on past its length while some client still waits for a first answer.
MAX_EXTRA_WARMUP = 30.0


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def summary(latencies: list[float], failures: int, errors: dict[str, int], seconds: float,
            distinct: int) -> dict:
    """A phase's figures; with no request answered in the window, latency is None and that is a failure."""
    ordered = sorted(latencies)
    requests = len(ordered)
    if not requests:
        errors = {**errors, f"no request answered within {seconds:.0f} s": 1}
        return {"requests": 0, "failures": failures + 1, "errors": errors, "seconds": round(seconds, 3),
                "rps": 0.0, "latency_ms": None, "distinct_paths": 0}
    return {
        "requests": requests,
        "failures": failures,
        "errors": errors,
        "seconds": round(seconds, 3),
        "rps": round(requests / seconds, 2) if seconds > 0 else 0.0,
        "latency_ms": {
            "p50": round(percentile(ordered, 0.50), 2),
            "p95": round(percentile(ordered, 0.95), 2),
            "p99": round(percentile(ordered, 0.99), 2),
            "mean": round(sum(ordered) / requests, 2),
            "max": round(ordered[-1], 2),
        },
        "distinct_paths": distinct,
    }


class Tally:
    """What one endpoint answered during the measured window."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.failures = 0
        self.errors: dict[str, int] = {}
        self.paths: set[str] = set()

    def add(self, latency_ms: float, path: str, error: str | None) -> None:
        self.latencies.append(latency_ms)
        self.paths.add(path)
        if error is not None:
            self.failures += 1
            self.errors[error] = self.errors.get(error, 0) + 1


def run_phase(spec: dict) -> dict:
    # Locust (and with it gevent's monkey-patching) only ever loads here, inside this process.
    import gevent
    from locust import FastHttpUser, constant, task
    from locust.env import Environment

    targets = spec["targets"]
    weights = [float(target.get("weight", 1)) for target in targets]
    positions = [int(target.get("offset", 0)) for target in targets]
    rng = random.Random(int(spec.get("seed", 0)))
    tallies = {target["endpoint"]: Tally() for target in targets}
    window = {"measuring": False, "count": 0, "answered": 0, "pairs": 0}
    per_connection = int(spec.get("visits_per_connection", 0))

    for target in targets:
        if target.get("act"):
            tallies[event_name(target)] = Tally()

    def next_request() -> tuple[dict, int]:
        # One greenlet runs at a time, so this shared cursor needs no lock.
        which = rng.choices(range(len(targets)), weights)[0] if len(targets) > 1 else 0
        position = positions[which] % len(targets[which]["paths"])
        positions[which] += 1
        return targets[which], position

    class Client(FastHttpUser):
        host = spec["host"]
        wait_time = constant(0)
        network_timeout = 30.0
        connection_timeout = 10.0

        def on_start(self) -> None:
            self.sent = 0

        @task
        def visit(self) -> None:
            try:
                self.pair_or_request()
            finally:
                self.sent += 1
                if per_connection and self.sent >= per_connection:
                    # The next request opens a new connection, which any worker of the server may accept.
                    self.client.client.close()
                    self.sent = 0

        def pair_or_request(self) -> None:
            target, position = next_request()
            path = target["paths"][position]
            headers = target.get("headers") or {}
            act = target.get("act")
            if act:
                with self.client.post(act["path"], name=event_name(target), json=act["bodies"][position],
                                      headers=headers, context={"path": act["path"]}, catch_response=True) as answer:
                    if answer.status_code >= 300:
                        answer.failure(f"HTTP {answer.status_code}")
                        return
            answer = self.client.get(path, name=target["endpoint"], headers=headers, context={"path": path})
            if act and window["measuring"] and 200 <= (answer.status_code or 0) < 300:
                window["pairs"] += 1

    def on_request(name, response_time, exception, context=None, response=None, **_):
        window["answered"] += 1
        if not window["measuring"] or name not in tallies:
            return
        error = None
        if exception is not None:
            status = getattr(response, "status_code", None)
            error = f"HTTP {status}" if status else type(exception).__name__ + ": " + str(exception)[:120]
        tallies[name].add(response_time, (context or {}).get("path", ""), error)
        window["count"] += 1

    environment = Environment(user_classes=[Client])
    environment.events.request.add_listener(on_request)
    runner = environment.create_local_runner()
    clients = int(spec["clients"])
    runner.start(clients, spawn_rate=clients)

    # The warm-up starts once every client runs, so the ramp never counts, and lasts until there
    # have been as many answers as clients (a cold worker's first request can take seconds).
    ramp_deadline = time.monotonic() + 30
    while runner.user_count < clients and time.monotonic() < ramp_deadline:
        gevent.sleep(0.05)
    warmup = float(spec.get("warmup", 0))
    warm_from = time.monotonic()
    while time.monotonic() - warm_from < warmup or (
            window["answered"] < clients and time.monotonic() - warm_from < warmup + MAX_EXTRA_WARMUP):
        gevent.sleep(0.02)

    window["measuring"] = True
    began = time.perf_counter()
    deadline = began + float(spec["duration"])
    limit = int(spec.get("max_requests", 1_000_000))
    while time.perf_counter() < deadline and window["count"] < limit:
        gevent.sleep(0.02)
    window["measuring"] = False
    seconds = time.perf_counter() - began
    runner.quit()

    crashed = {f"client error: {row['msg'][:120]}": row["count"] for row in runner.exceptions.values()}
    endpoints = {
        name: summary(tally.latencies, tally.failures, tally.errors, seconds, len(tally.paths))
        for name, tally in tallies.items()
    }
    everything = Tally()
    for tally in tallies.values():
        everything.latencies += tally.latencies
        everything.failures += tally.failures
        for message, count in tally.errors.items():
            everything.errors[message] = everything.errors.get(message, 0) + count
    everything.errors.update(crashed)
    total = summary(everything.latencies, everything.failures + sum(crashed.values()), everything.errors,
                    seconds, sum(len(t.paths) for t in tallies.values()))
    next_offsets = {target["endpoint"]: position for target, position in zip(targets, positions, strict=True)}
    pairs = {"pairs": window["pairs"], "pairs_per_second": round(window["pairs"] / seconds, 2) if seconds > 0 else 0.0}
    return {"clients": clients, "total": total, "endpoints": endpoints, "next_offsets": next_offsets, **pairs}


def event_name(target: dict) -> str:
    """The name an acting target's events are counted under."""
    return f"{target['endpoint']} event"


def main() -> None:
    spec = json.load(sys.stdin)
    result = run_phase(spec)
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
