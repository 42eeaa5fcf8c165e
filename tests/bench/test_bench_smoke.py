"""A very short `shopgraph bench` on a tiny shop: every figure is reported, nothing fails, nothing is left running.

No timing is asserted: speed is what the bench measures, on whatever machine runs it.
"""
from __future__ import annotations

import json
from pathlib import Path

from shopgraph.bench import report
from shopgraph.bench.run import BenchConfig, run
from tests.bench.tiny_shop import write_invoices

ENDPOINTS = {"health", "recommendations", "product_page", "search_page"}


def _alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def test_a_short_bench_on_a_tiny_shop_reports_every_figure_without_errors(graph, neo4j_settings, tmp_path):
    source = write_invoices(tmp_path / "online_retail.csv")
    # Phases of 5 s: a window in which no request is answered counts as a failure, and a busy machine can hold a
    # live list back for over a second (a live phase of 3 s once ended with no pair while two evaluations shared
    # the cores). A warm-up of 2 s lets Neo4j plan the live path's queries before anything is measured.
    config = BenchConfig(dataset="online-retail", path=source, scales=(1, 2), clients=(1, 2),
                         warmup=2.0, duration=5.0, soak=2.0, soak_clients=2, live_clients=(1, 2),
                         live_warmup=5.0)

    results = run(config, folder=tmp_path / "report", neo4j=neo4j_settings, say=lambda message: None)
    written = report.write(results, tmp_path / "report", json_file=tmp_path / "bench.json")
    saved = json.loads((tmp_path / "bench.json").read_text())

    assert not saved["errors"], "\n".join(saved["errors"])
    assert saved["machine"]["cores"] >= 1 and saved["machine"]["memory_gib"] > 0
    assert saved["dataset"] == {"name": "online-retail", "products": 12, "shoppers": 8, "events": 66}

    assert saved["ingestion"]["relationships_written"] > 66
    assert saved["ingestion"]["relationships_per_second"] > 0
    # measured on the running server after a first load, which is reported too: the same graph every time;
    # the judged rate is the median of the repeated loads
    rates = saved["ingestion"]["repeats"]
    assert len(rates) == 3 and saved["ingestion"]["relationships_per_second"] == sorted(rates)[1]
    first = saved["ingestion"]["first_load"]
    assert first["relationships_written"] == saved["ingestion"]["relationships_written"]
    assert first["relationships_in_graph"] == saved["ingestion"]["relationships_in_graph"]

    assert saved["training"]["models"], "training reports seconds per model"
    assert saved["training"]["seconds"] > 0

    base, doubled = saved["scales"]
    assert (base["scale"], doubled["scale"]) == (1, 2)
    assert doubled["shoppers"] == 2 * base["shoppers"] == 16
    # every scale asks for the same original shoppers, so the figures differ by the data alone; one of the
    # eight is set apart to act in the live phases
    assert base["serving"]["shoppers_asked"] == doubled["serving"]["shoppers_asked"] == 7
    assert doubled["ingestion"]["relationships_in_graph"] > base["ingestion"]["relationships_in_graph"]

    phases = {(p["endpoint"], p["clients"]): p for p in base["serving"]["phases"]}
    assert set(phases) == {(endpoint, clients) for endpoint in ENDPOINTS for clients in (1, 2)}
    grown = {(p["endpoint"], p["clients"]) for p in doubled["serving"]["phases"]}
    assert grown == {(endpoint, clients) for endpoint in ("health", "recommendations") for clients in (1, 2)}
    for scale in saved["scales"]:
        for phase in scale["serving"]["phases"]:
            label = f"{phase['endpoint']} at {phase['clients']} clients, {scale['scale']}x"
            assert phase["requests"] > 0, label
            assert phase["failures"] == 0, f"{label}: {phase['errors']}"
            assert set(phase["latency_ms"]) == {"p50", "p95", "p99", "mean", "max"}
            assert phase["latency_ms"]["p50"] <= phase["latency_ms"]["p99"]
        assert set(scale["serving"]["ratio"]) == {"1", "2"}
    assert base["serving"]["soak"]["total"]["failures"] == 0
    for scale in saved["scales"]:
        acted = {(row["phase"], row["clients"]): row for row in scale["serving"]["live"]}
        # The server's first pairs come first, in a row of their own that no goal judges.
        assert list(acted) == [("warm-up", 2), ("live", 1), ("live", 2), ("mixed", 2), ("stored pair", 2)]
        for (name, clients), row in acted.items():
            label = f"{name} at {clients} clients, {scale['scale']}x"
            assert row["pairs"] > 0 and row["pairs_to_health"] > 0, label
            # The yardstick is health measured just before the live phase, not the one from minutes before.
            assert row["health_rps"] > 0 and row["pairs_to_health"] == round(row["pairs_per_second"] /
                                                                             row["health_rps"], 3), label
            for part in ("recommendations", "event"):
                assert row[part]["requests"] > 0 and row[part]["failures"] == 0, f"{label}, {part}: {row[part]}"
        assert acted[("mixed", 2)]["reads"]["requests"] > 0
        # The stored pair's list is another shopper's, one the stored-path rows ask for: no other reads beside it.
        stored_pair = acted[("stored pair", 2)]
        assert stored_pair["reads"] is None
        assert stored_pair["recommendations"]["distinct_paths"] > 1
        # Where a pair's processor time goes: the workers, the test's Neo4j (on this machine) and the load generator
        # each spent some on every pair, and on health's requests just before.
        for key in (("live", 2), ("stored pair", 2)):
            for spent in (acted[key]["cpu_ms_per_pair"], acted[key]["health_cpu_ms_per_request"]):
                assert set(spent) == {"app workers", "neo4j", "load generator"}, key
                assert all(ms > 0 for ms in spent.values()), (key, spent)
        assert acted[("mixed", 2)]["cpu_ms_per_pair"] is None
    assert phases[("recommendations", 2)]["distinct_paths"] > 1, "many different shoppers are asked for"

    assert {goal["goal"] for goal in saved["goals"]} and all("measured" in goal for goal in saved["goals"])
    markdown = written["markdown"].read_text()
    assert "## Goals" in markdown and "cores" in markdown and "## Growth" in markdown
    assert "### Shoppers who act" in markdown and "| stored pair | 2 |" in markdown
    assert "Processor time per pair" in markdown
    judged = {goal["goal"]: goal for goal in saved["goals"]}
    assert judged["The event write (`POST /api/v1/events`, live phase): p99 at 8 clients"]["met"] is None, \
        "8 clients were not measured here, so nothing is judged"
    for plot in ("latency", "throughput", "growth", "memory", "training"):
        assert written[plot].stat().st_size > 0

    # The shop's workers were sampled while it ran; none of them (nor gunicorn) outlives the run.
    workers = {pid for scale in saved["scales"] for sample in scale["memory"]["samples"]
               for pid in sample["worker_pids"]}
    assert workers, "the memory sampler saw the gunicorn workers"
    assert not [pid for pid in workers if _alive(pid)]
