"""The bench's results as JSON and as a Markdown report with plots, in ``reports/bench/`` (git-ignored).

``write(results, folder)`` writes ``bench.json``, ``report.md`` and the PNG plots it links to, and
returns their paths. The Markdown states the machine and the issue's goals next to the figures.
"""
from __future__ import annotations

import json
from pathlib import Path

from shopgraph.graph.settings import reports_dir
from shopgraph.models.serving import DEFAULT_STRATEGY

DEFAULT_FOLDER = reports_dir() / "bench"

ENDPOINT_TITLES = {
    "health": "health (`/api/v1/health`)",
    "recommendations": f"recommendations (`/api/v1/recommendations`, {DEFAULT_STRATEGY}, k=10)",
    "product_page": "product page (`/products/<id>`)",
    "search_page": "search page (`/search?q=`)",
}


def write(results: dict, folder: Path = DEFAULT_FOLDER, json_file: Path | None = None) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = {"json": folder / "bench.json", "markdown": folder / "report.md"}
    text = json.dumps(results, indent=2, default=str)
    written["json"].write_text(text)
    if json_file is not None:
        json_file.parent.mkdir(parents=True, exist_ok=True)
        json_file.write_text(text)
        written["json_copy"] = json_file
    plots = draw_plots(results, folder)
    written.update(plots)
    written["markdown"].write_text(markdown(results, {name: path.name for name, path in plots.items()}))
    return written


# -- Markdown -------------------------------------------------------------------------------------
def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _met(value: bool | None) -> str:
    return {True: "met", False: "**not met**", None: "not measured"}[value]


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def markdown(results: dict, plots: dict[str, str]) -> str:
    machine = results.get("machine", {})
    config = results.get("config", {})
    dataset = results.get("dataset", {})
    lines = [
        "# ShopGraph benchmark",
        "",
        f"Run {results.get('started', '?')} ({'quick' if config.get('quick') else 'full'} mode, "
        f"{results.get('seconds', 0) / 60:.1f} min), commit `{machine.get('commit')}`. "
        f"Dataset: {dataset.get('name')} ({dataset.get('products', 0):,} products, "
        f"{dataset.get('shoppers', 0):,} shoppers, {dataset.get('events', 0):,} events).",
        "",
        "## Machine",
        "",
        *_table(["cores", "memory", "processor", "system", "Python", "load average at start / end"], [[
            str(machine.get("cores")), f"{machine.get('memory_gib')} GiB", str(machine.get("processor")),
            str(machine.get("system")), str(machine.get("python")),
            f"{machine.get('load_average')} / {results.get('load_average_end')}",
        ]]),
        "",
        "The load generator (Locust, one process) runs on the same cores as gunicorn and Neo4j, so absolute",
        "latencies include its share of the CPU; the recommendations-to-health throughput ratio cancels most",
        "of that and is the figure to compare across machines.",
        "",
        *_busy_warning(machine),
        "## Goals",
        "",
        *_table(["goal", "target", "measured", "result"],
                [[g["goal"], g["target"], g["measured"], _met(g["met"])] for g in results.get("goals", [])]),
        "",
    ]
    scales = results.get("scales", [])
    base = next((s for s in scales if s.get("scale") == 1), None)
    if base and base.get("serving"):
        lines += _serving_section(base, config, plots)
    lines += _ingestion_section(results)
    lines += _training_section(results, plots)
    if len(scales) > 1:
        lines += _growth_section(results, plots)
    lines += _memory_section(scales, plots)
    if results.get("errors"):
        lines += ["## What failed", ""] + [f"- {error}" for error in results["errors"]] + [""]
    return "\n".join(lines) + "\n"


def _busy_warning(machine: dict) -> list[str]:
    load, cores = machine.get("load_average"), machine.get("cores")
    if not load or not cores or load[0] <= cores:
        return []
    return [f"**The machine was busy when the run started** (load average {load[0]:.1f} on {cores} cores): "
            "other work competed for the CPU, so these figures are worse than an idle machine's.", ""]


def _phase_rows(phases: list[dict]) -> list[list[str]]:
    rows = []
    for p in phases:
        latency = p.get("latency_ms") or {}
        rows.append([p["endpoint"], str(p["clients"]), _ms(latency.get("p50")), _ms(latency.get("p95")),
                     _ms(latency.get("p99")), f"{p.get('rps', 0):.0f}", str(p.get("failures", 0)),
                     f"{p.get('requests', 0):,}", f"{p.get('distinct_paths', 0):,}"])
    return rows


def _serving_section(base: dict, config: dict, plots: dict[str, str]) -> list[str]:
    serving = base["serving"]
    lines = [
        "## Serving",
        "",
        f"Each endpoint alone, closed-loop clients (each opens a new connection every "
        f"{config.get('visits_per_connection', '?')} visits), {config.get('warmup')} s warm-up then "
        f"{config.get('duration')} s measured per row; gunicorn as `shopgraph serve` starts it. "
        f"Recommendations are asked for {base.get('shoppers', 0):,} different shoppers in turn "
        "(\"distinct\" is how many different URLs a row asked for)"
        + ("." if config.get("train") else "; no model was trained in this run (`--no-train`)."),
        "",
        *_table(["endpoint", "clients", "p50 ms", "p95 ms", "p99 ms", "req/s", "errors", "requests", "distinct"],
                _phase_rows(serving.get("phases", []))),
        "",
        "Recommendations throughput / health throughput: "
        + ", ".join(f"{level} clients **{value:.2f}**" if value is not None else f"{level} clients –"
                    for level, value in serving.get("ratio", {}).items()),
        "",
    ]
    cold = serving.get("cold_start_seconds")
    if cold:
        lines += ["Cold start (not in the figures above): a fresh shop answered its first four concurrent requests "
                  "in " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in cold.items()) + ".", ""]
    for name in ("latency", "throughput"):
        if name in plots:
            lines += [f"![{name}]({plots[name]})", ""]
    soak = serving.get("soak")
    if soak:
        total = soak["total"]
        latency = total.get("latency_ms") or {}
        lines += [
            f"Soak: a mix ({', '.join(f'{k} {v}' for k, v in soak['mix'].items())}) at {soak['clients']} clients "
            f"for {soak['seconds']:.0f} s: {total.get('requests', 0):,} requests, {total.get('rps', 0):.0f} req/s, "
            f"p99 {_ms(latency.get('p99'))} ms, {total.get('failures', 0)} errors.",
            "",
        ]
    lines += _live_section(serving.get("live") or [])
    errors = {}
    for p in serving.get("phases", []):
        for message, count in (p.get("errors") or {}).items():
            errors[f"{p['endpoint']}@{p['clients']}: {message}"] = count
    for row in serving.get("live") or []:
        for part in ("recommendations", "event", "reads"):
            for message, count in ((row.get(part) or {}).get("errors") or {}).items():
                errors[f"{row['phase']} {part}@{row['clients']}: {message}"] = count
    if errors:
        lines += ["Failed requests:", ""] + [f"- {message}: {count}" for message, count in errors.items()] + [""]
    return lines


def _live_section(rows: list[dict]) -> list[str]:
    """The shoppers who act: each client likes a product for a shopper, then asks for that shopper's list."""
    if not rows:
        return []
    table = []
    for row in rows:
        after, event, reads = (row.get(part) or {} for part in ("recommendations", "event", "reads"))
        latency = after.get("latency_ms") or {}
        share = row.get("pairs_to_health")
        table.append([row["phase"], str(row["clients"]), _ms(latency.get("p50")), _ms(latency.get("p99")),
                      _ms((event.get("latency_ms") or {}).get("p99")),
                      _ms((reads.get("latency_ms") or {}).get("p99")) if reads else "–",
                      f"{row.get('pairs_per_second', 0):.0f}",
                      f"{row['health_rps']:.0f}" if row.get("health_rps") else "–",
                      "–" if share is None else f"{share:.2f}",
                      str(after.get("failures", 0) + event.get("failures", 0) + reads.get("failures", 0))])
    return [
        "### Shoppers who act",
        "",
        "In the **live** phase every client, shopper after shopper, likes a product for that shopper "
        "(`POST /api/v1/events` with the token) and then asks for their recommendations: never a list stored as it "
        "is. In the **mixed** phase four of five requests read other shoppers' lists and one in five is such a pair. "
        "The **stored pair** row is the live phase's yardstick, judged by no goal: the same likes, each followed by "
        "the list of a shopper who did not act, served as the stored-path rows serve it (stored ahead, or cached when "
        "they asked for it minutes before); what a live pair costs beyond it is the list built "
        "after the event, and what it costs itself is two API requests, one of them a write. "
        "The shoppers who act are a fifth of all, set apart from those the stored-path rows ask for. Health is "
        "measured again just before each live phase and the stored pair, at their client count, and is the "
        "yardstick of those phases and of the mixed phase after the live ones: the machine's speed drifts within a "
        "run. The **warm-up** row is the "
        "server's first pairs, which no goal judges: Neo4j compiles the code the event's write and the fold's "
        "walks run over their first thousands of runs, and a shop's Neo4j serves for days.",
        "",
        *_table(["phase", "clients", "list after event p50 ms", "list after event p99 ms", "event p99 ms",
                 "other reads p99 ms", "pairs/s", "health req/s", "pairs / health req/s", "errors"], table),
        "",
        *_processor_time(rows),
    ]


def _processor_time(rows: list[dict]) -> list[str]:
    """Where a pair's cost goes: processor time per pair by part, next to a health request's just before."""
    measured = [row for row in rows if row.get("cpu_ms_per_pair")]
    if not measured:
        return []
    parts = list(dict.fromkeys(part for row in measured for part in row["cpu_ms_per_pair"]))
    table = []
    for row in measured:
        spent = row["cpu_ms_per_pair"]
        pair = sum(spent.values())
        health = sum((row.get("health_cpu_ms_per_request") or {}).values()) or None
        table.append([row["phase"], str(row["clients"]), *(_ms(spent.get(part)) for part in parts),
                      _ms(pair), _ms(health), f"{pair / health:.1f}" if health else "–"])
    return [
        "Processor time per pair, in ms, by the part of the machine that spent it, read from `/proc` over each "
        "phase; the health request's is over the health phase just before the row's. With eight closed-loop clients "
        "on two cores a request's latency is mostly its wait for a core, so a pair's cost in health requests is "
        "what decides its share of health's rate.",
        "",
        *_table(["phase", "clients", *(f"{part} ms" for part in parts), "pair ms", "health request ms",
                 "pair / health request"], table),
        "",
    ]


def _ingestion_section(results: dict) -> list[str]:
    ingestion = results.get("ingestion")
    if not ingestion:
        return []
    created = ", ".join(f"{name} {count:,}" for name, count in ingestion.get("relationships_created", {}).items())
    return [
        "## Ingestion",
        "",
        f"The {results.get('dataset', {}).get('name')} load"
        + (f" (from `{results['config']['path']}`)" if results.get("config", {}).get("path") else "")
        + " into an empty graph on the running server (`loaders.writer`, what "
        f"`shopgraph load` runs): **{ingestion['relationships_per_second']:,.0f} relationships/s** "
        f"({ingestion['relationships_written']:,} relationships in {ingestion['write_seconds']:.1f} s; "
        f"{ingestion['events_per_second']:,.0f} events/s; reading the source file took "
        f"{ingestion.get('read_seconds') or 0:.1f} s more).",
        "",
        *_repeats(ingestion.get("repeats") or []),
        *_first_load(ingestion.get("first_load")),
        f"Relationships created: {created or 'none'}.",
        "",
    ]


def _repeats(rates: list[float]) -> list[str]:
    if len(rates) < 2:
        return []
    return [f"That is the median of {len(rates)} loads, each into the emptied graph: "
            + ", ".join(f"{rate:,.0f}" for rate in rates) + " relationships/s in turn.", ""]


def _first_load(first: dict | None) -> list[str]:
    if not first:
        return []
    return [f"The same load as the first work of a freshly started server, whose JVM has yet to compile "
            f"the code it runs: {first['relationships_per_second']:,.0f} relationships/s "
            f"({first['write_seconds']:.1f} s).", ""]


def _training_section(results: dict, plots: dict[str, str]) -> list[str]:
    training = results.get("training")
    if not training or "models" not in training:
        return []
    rows = [[name, f"{seconds:.1f}"] for name, seconds in sorted(training["models"].items(), key=lambda kv: -kv[1])]
    stored = training.get("stored_lists")
    if stored:
        rows.append([f"storing every shopper's list ({stored['shoppers']:,} shoppers)", f"{stored['seconds']:.1f}"])
    rows.append(["everything else (start-up, reading the graph, publishing)", f"{training['other_seconds']:.1f}"])
    rows.append(["**total (`shopgraph train`, wall clock)**", f"**{training['seconds']:.1f}**"])
    lines = ["## Training", "", *_table(["model", "seconds"], rows), ""]
    if "training" in plots:
        lines += [f"![training]({plots['training']})", ""]
    return lines


def _growth_section(results: dict, plots: dict[str, str]) -> list[str]:
    levels = results.get("config", {}).get("clients", [])
    header = ["scale", "shoppers", "relationships in graph", "ingestion rel/s", "load avg after serving"]
    header += [f"recs p99 ms @{level}" for level in levels] + [f"recs req/s @{level}" for level in levels]
    header += [f"ratio @{level}" for level in levels] + ["after an event p99 ms @8", "live build p50 ms",
                                                         "live build p99 ms"]
    rows = []
    for scale in results.get("scales", []):
        ingestion = scale.get("ingestion") or {}
        phases = {(p["endpoint"], p["clients"]): p for p in (scale.get("serving") or {}).get("phases", [])}
        ratio = (scale.get("serving") or {}).get("ratio", {})
        load = (scale.get("serving") or {}).get("load_average_after")
        row = [f"{scale['scale']}x", f"{scale.get('shoppers', 0):,}", f"{ingestion.get('relationships_in_graph', 0):,}",
               f"{ingestion.get('relationships_per_second', 0):,.0f}", f"{load[0]:.1f}" if load else "–"]
        for level in levels:
            latency = (phases.get(("recommendations", level)) or {}).get("latency_ms") or {}
            row.append(_ms(latency.get("p99")))
        for level in levels:
            row.append(f"{(phases.get(('recommendations', level)) or {}).get('rps', 0):.0f}")
        for level in levels:
            value = ratio.get(str(level))
            row.append("–" if value is None else f"{value:.2f}")
        acted = next((r for r in (scale.get("serving") or {}).get("live") or []
                      if r["phase"] == "live" and r["clients"] == 8), None)
        row.append(_ms((((acted or {}).get("recommendations") or {}).get("latency_ms") or {}).get("p99")))
        live = (scale.get("live_builds") or {}).get("latency_ms") or {}
        row += [_ms(live.get("p50")), _ms(live.get("p99"))]
        rows.append(row)
    lines = [
        "## Growth",
        "",
        "The interaction data replicated with cloned shoppers (new ids, the same histories) over the same",
        "catalogue. Each scale's ingestion figure is the load of the clones it adds onto the graph as it",
        "stood; its serving figures come from a fresh `shopgraph serve` " + _growth_models(results.get("config", {})),
        "Every scale asks for the same original shoppers in the same order, so the figures differ by the",
        f"data alone. Phases at the larger scales measure {_growth_seconds(results.get('config', {}))} s each.",
        "Their lists were stored after training, so the HTTP figures are the stored path; the live build",
        "columns are the service building the same shoppers' lists from the graph, one at a time in the",
        "bench's process (what a shopper who just acted costs).",
        "",
        *_table(header, rows),
        "",
    ]
    if "growth" in plots:
        lines += [f"![growth]({plots['growth']})", ""]
    return lines


def _growth_seconds(config: dict) -> str:
    return f"{config.get('growth_duration') or config.get('duration')}"


def _growth_models(config: dict) -> str:
    if not config.get("train"):
        return "(no model trained in this run: `--no-train`)."
    if config.get("retrain_growth"):
        return "after retraining every model at that scale."
    return "with the models trained at 1x (clones have graph history but no trained vectors)."


def _memory_section(scales: list[dict], plots: dict[str, str]) -> list[str]:
    rows = []
    for scale in scales:
        memory = scale.get("memory") or {}
        if memory.get("flat") is None:
            continue
        rows.append([f"{scale['scale']}x", f"{memory['loaded_seconds'] / 60:.1f}", f"{memory['start_mb']:.0f}",
                     f"{memory['middle_mb']:.0f}", f"{memory['end_mb']:.0f}", f"{memory['peak_mb']:.0f}",
                     f"{memory['growth'] * 100:+.1f}%", f"{memory.get('end_trend_mb_per_min', 0):+.1f}",
                     "yes" if memory["flat"] else "**no**", str(memory.get("workers_seen"))])
    if not rows:
        return []
    lines = [
        "## Memory",
        "",
        "Resident memory of all gunicorn workers together, sampled every second while the shop was loaded.",
        "Flat means the median of the last tenth of the run is at most 10% above the median of its second",
        "quarter (the first quarter is warm-up: imports, pools and caches filling). The end trend is the",
        "slope over the last fifth of the run: near zero means memory had levelled off (a bounded cache",
        "that filled), a steady climb means it was still growing.",
        "",
        *_table(["scale", "minutes loaded", "start MiB", "middle MiB", "end MiB", "peak MiB", "growth",
                 "end trend MiB/min", "flat", "worker pids seen"], rows),
        "",
    ]
    if "memory" in plots:
        lines += [f"![memory]({plots['memory']})", ""]
    return lines


# -- plots ----------------------------------------------------------------------------------------
def draw_plots(results: dict, folder: Path) -> dict[str, Path]:
    """PNG plots of the figures the run has; each is skipped when its data is missing."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    drawn = {}
    base = next((s for s in results.get("scales", []) if s.get("scale") == 1 and s.get("serving")), None)
    if base:
        drawn.update(_serving_plots(pyplot, base["serving"]["phases"], folder))
    training = results.get("training") or {}
    if training.get("models"):
        drawn["training"] = _training_plot(pyplot, training, folder)
    if len([s for s in results.get("scales", []) if s.get("serving")]) > 1:
        drawn["growth"] = _growth_plot(pyplot, results, folder)
    if any((s.get("memory") or {}).get("samples") for s in results.get("scales", [])):
        drawn["memory"] = _memory_plot(pyplot, results["scales"], folder)
    return drawn


def _log2_ticks(axis, values: list[int]) -> None:
    """A log-2 axis labelled with the values measured (1, 8, 32), not powers of two."""
    axis.set_xscale("log", base=2)
    axis.set_xticks(values, [str(value) for value in values])
    axis.minorticks_off()


def _save(pyplot, figure, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    pyplot.close(figure)
    return path


def _serving_plots(pyplot, phases: list[dict], folder: Path) -> dict[str, Path]:
    endpoints = list(dict.fromkeys(p["endpoint"] for p in phases))
    figure, axes = pyplot.subplots(1, len(endpoints), figsize=(4 * len(endpoints), 3.6), squeeze=False)
    for axis, endpoint in zip(axes[0], endpoints, strict=True):
        rows = [p for p in phases if p["endpoint"] == endpoint and p.get("latency_ms")]
        clients = [p["clients"] for p in rows]
        for key in ("p50", "p95", "p99"):
            axis.plot(clients, [p["latency_ms"][key] for p in rows], marker="o", label=key)
        axis.set_title(endpoint)
        axis.set_xlabel("concurrent clients")
        _log2_ticks(axis, clients)
        axis.set_ylabel("latency (ms)")
        axis.grid(alpha=0.3)
        axis.legend()
    latency = _save(pyplot, figure, folder / "serving-latency.png")

    figure, axis = pyplot.subplots(figsize=(6, 3.8))
    for endpoint in endpoints:
        rows = [p for p in phases if p["endpoint"] == endpoint and p.get("latency_ms")]
        axis.plot([p["clients"] for p in rows], [p["rps"] for p in rows], marker="o", label=endpoint)
    axis.set_xlabel("concurrent clients")
    _log2_ticks(axis, sorted({p["clients"] for p in phases}))
    axis.set_ylabel("requests per second")
    axis.grid(alpha=0.3)
    axis.legend()
    throughput = _save(pyplot, figure, folder / "serving-throughput.png")
    return {"latency": latency, "throughput": throughput}


def _training_plot(pyplot, training: dict, folder: Path) -> Path:
    models = sorted(training["models"].items(), key=lambda kv: kv[1])
    figure, axis = pyplot.subplots(figsize=(6, 0.4 * len(models) + 1.2))
    axis.barh([name for name, _ in models], [seconds for _, seconds in models])
    axis.set_xlabel("fit seconds")
    axis.set_title(f"shopgraph train: {training['seconds']:.0f} s in total")
    return _save(pyplot, figure, folder / "training.png")


def _growth_plot(pyplot, results: dict, folder: Path) -> Path:
    scales = [s for s in results["scales"] if s.get("serving")]
    factors = [s["scale"] for s in scales]
    levels = results.get("config", {}).get("clients", [])
    figure, (left, right) = pyplot.subplots(1, 2, figsize=(10, 3.8))
    for level in levels:
        values = []
        for scale in scales:
            row = next((p for p in scale["serving"]["phases"]
                        if p["endpoint"] == "recommendations" and p["clients"] == level and p.get("latency_ms")), None)
            values.append(row["latency_ms"]["p99"] if row else float("nan"))
        left.plot(factors, values, marker="o", label=f"{level} clients")
    left.set_title("recommendations p99 as the data grows")
    left.set_xlabel("data scale (x)")
    _log2_ticks(left, factors)
    left.set_ylabel("p99 latency (ms)")
    left.grid(alpha=0.3)
    left.legend()
    right.plot(factors, [(s.get("ingestion") or {}).get("relationships_per_second", float("nan")) for s in scales],
               marker="o")
    right.set_title("ingestion rate of each scale's load")
    right.set_xlabel("data scale (x)")
    _log2_ticks(right, factors)
    right.set_ylabel("relationships per second")
    right.set_ylim(bottom=0)
    right.grid(alpha=0.3)
    return _save(pyplot, figure, folder / "growth.png")


def _memory_plot(pyplot, scales: list[dict], folder: Path) -> Path:
    figure, axis = pyplot.subplots(figsize=(8, 3.8))
    for scale in scales:
        samples = (scale.get("memory") or {}).get("samples") or []
        if samples:
            axis.plot([s["t"] / 60 for s in samples], [s["workers_mb"] for s in samples], label=f"{scale['scale']}x")
    axis.set_xlabel("minutes since the shop started")
    axis.set_ylabel("RSS of the workers (MiB)")
    axis.set_ylim(bottom=0)
    axis.grid(alpha=0.3)
    axis.legend()
    return _save(pyplot, figure, folder / "memory.png")
