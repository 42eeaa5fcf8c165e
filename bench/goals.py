"""The issue's goals for this machine, next to what the run measured: met, not met, or not measured.

``met`` is True or False when the run measured the figure, and None when it did not (a scale
or client count left out, a run too short, a part that failed).
"""
from __future__ import annotations

from shopgraph.models.serving import DEFAULT_STRATEGY

P99_MS_AT_8 = 50.0
THROUGHPUT_SHARE_AT_32 = 0.5
P99_GROWTH_AT_8X = 2.0
EVENT_P99_MS_AT_8 = 30.0
PAIRS_SHARE_AT_8 = 0.35
RELATIONSHIPS_PER_SECOND = 50_000
MEMORY_RUN_SECONDS = 600


def phase(scale: dict | None, endpoint: str, clients: int) -> dict | None:
    if not scale or "serving" not in scale:
        return None
    for row in scale["serving"].get("phases", []):
        if row["endpoint"] == endpoint and row["clients"] == clients and row.get("latency_ms"):
            return row
    return None


def at_scale(results: dict, factor: int) -> dict | None:
    return next((row for row in results.get("scales", []) if row.get("scale") == factor), None)


def _goal(goal: str, target: str, measured: str, met: bool | None) -> dict:
    return {"goal": goal, "target": target, "measured": measured, "met": met}


def evaluate(results: dict) -> list[dict]:
    base = at_scale(results, 1)
    goals = []

    row = phase(base, "recommendations", 8)
    goals.append(_goal(
        f"Personalised recommendations ({DEFAULT_STRATEGY}, k=10): p99 at 8 clients",
        f"<= {P99_MS_AT_8:.0f} ms",
        f"{row['latency_ms']['p99']:.1f} ms" if row else "not measured",
        row["latency_ms"]["p99"] <= P99_MS_AT_8 if row else None,
    ))

    ratio = (base or {}).get("serving", {}).get("ratio", {}).get("32")
    goals.append(_goal(
        "Recommendations throughput at 32 clients, as a share of health's",
        f">= {THROUGHPUT_SHARE_AT_32:.2f}",
        f"{ratio:.2f}" if ratio is not None else "not measured",
        ratio >= THROUGHPUT_SHARE_AT_32 if ratio is not None else None,
    ))

    big = phase(at_scale(results, 8), "recommendations", 8)
    if row and big:
        growth = big["latency_ms"]["p99"] / row["latency_ms"]["p99"] if row["latency_ms"]["p99"] else None
        measured = (f"{big['latency_ms']['p99']:.1f} ms vs {row['latency_ms']['p99']:.1f} ms "
                    f"({growth:.2f}x)" if growth is not None else "not measured")
        met = growth <= P99_GROWTH_AT_8X if growth is not None else None
    else:
        measured, met = "not measured (needs scales 1 and 8, 8 clients)", None
    goals.append(_goal("Recommendations p99 at 8 clients with 8x the data", f"<= {P99_GROWTH_AT_8X:.0f}x the 1x p99",
                       measured, met))

    goals += live_goals(results)

    rate = (results.get("ingestion") or {}).get("relationships_per_second")
    full = full_online_retail(results.get("config", {}))
    measured = f"{rate:,.0f} relationships/s" if rate is not None else "not measured"
    repeats = (results.get("ingestion") or {}).get("repeats") or []
    if rate is not None and len(repeats) > 1:
        measured += f", the median of {len(repeats)} loads ({', '.join(f'{each:,.0f}' for each in repeats)})"
    first = (results.get("ingestion") or {}).get("first_load")
    if rate is not None and first:
        measured += f" (a fresh server's first load: {first['relationships_per_second']:,.0f})"
    if rate is not None and not full:
        measured += " (not the full Online Retail data: not judged)"
    goals.append(_goal(
        "Ingestion of the full Online Retail data",
        f">= {RELATIONSHIPS_PER_SECOND:,} relationships/s",
        measured,
        rate >= RELATIONSHIPS_PER_SECOND if rate is not None and full else None,
    ))

    requests, failures = load_totals(results)
    goals.append(_goal(
        "No errors under load",
        "0 failed requests",
        f"{failures:,} failed of {requests:,}" if requests else "not measured",
        failures == 0 if requests else None,
    ))

    memory = (base or {}).get("memory") or {}
    if memory.get("flat") is None:
        goals.append(_goal("Memory of the app processes stays flat across a 10-minute run",
                           "flat (<= 10% growth)", "not measured", None))
    else:
        minutes = memory["loaded_seconds"] / 60
        measured = (f"{memory['growth'] * 100:+.1f}% ({memory['middle_mb']:.0f} -> {memory['end_mb']:.0f} MiB) "
                    f"over {minutes:.1f} min of load, "
                    f"{memory.get('end_trend_mb_per_min', 0):+.1f} MiB/min at the end")
        long_enough = memory["loaded_seconds"] >= MEMORY_RUN_SECONDS * 0.95
        if not long_enough:
            measured += " (shorter than 10 min: not judged)"
        goals.append(_goal("Memory of the app processes stays flat across a 10-minute run",
                           "flat (<= 10% growth)", measured, memory["flat"] if long_enough else None))
    return goals


def live_phase(scale: dict | None, name: str, clients: int) -> dict | None:
    """The live or mixed phase of a scale at a client count, when it answered."""
    for row in ((scale or {}).get("serving") or {}).get("live") or []:
        if row["phase"] == name and row["clients"] == clients and (row.get("recommendations") or {}).get("latency_ms"):
            return row
    return None


def _p99(summary: dict | None) -> float | None:
    return ((summary or {}).get("latency_ms") or {}).get("p99")


def live_goals(results: dict) -> list[dict]:
    """The shoppers who act: their next list, the event itself, pairs per second, and growth with the data."""
    base = live_phase(at_scale(results, 1), "live", 8)
    mixed = live_phase(at_scale(results, 1), "mixed", 8)
    big = live_phase(at_scale(results, 8), "live", 8)
    goals = []
    for title, row in (("Recommendations right after the shopper's event (live phase): p99 at 8 clients", base),
                       ("Lists after an event, in the mixed phase (a fifth act, the rest read): p99 at 8 clients",
                        mixed)):
        p99 = _p99(row["recommendations"]) if row else None
        goals.append(_goal(title, f"<= {P99_MS_AT_8:.0f} ms", f"{p99:.1f} ms" if p99 is not None else "not measured",
                           p99 <= P99_MS_AT_8 if p99 is not None else None))
    event = _p99(base["event"]) if base else None
    goals.append(_goal("The event write (`POST /api/v1/events`, live phase): p99 at 8 clients",
                       f"<= {EVENT_P99_MS_AT_8:.0f} ms", f"{event:.1f} ms" if event is not None else "not measured",
                       event <= EVENT_P99_MS_AT_8 if event is not None else None))
    share = base.get("pairs_to_health") if base else None
    goals.append(_goal("Pairs (event + list) per second at 8 clients, as a share of health's requests per second",
                       f">= {PAIRS_SHARE_AT_8:.2f}",
                       f"{share:.2f} ({base['pairs_per_second']:.0f} pairs/s)" if base and share is not None
                       else "not measured",
                       share >= PAIRS_SHARE_AT_8 if share is not None else None))
    if base and big:
        base_p99, big_p99 = _p99(base["recommendations"]), _p99(big["recommendations"])
        growth = big_p99 / base_p99 if big_p99 is not None and base_p99 else None
        measured = (f"{big_p99:.1f} ms vs {base_p99:.1f} ms ({growth:.2f}x)"
                    if growth is not None else "not measured")
        met = growth <= P99_GROWTH_AT_8X if growth is not None else None
    else:
        measured, met = "not measured (needs scales 1 and 8)", None
    goals.append(_goal("Lists right after an event with 8x the data: p99 at 8 clients",
                       f"<= {P99_GROWTH_AT_8X:.0f}x the 1x p99", measured, met))
    return goals


def full_online_retail(config: dict) -> bool:
    """The ingestion goal is about the whole Online Retail file from the shared data folder."""
    return config.get("dataset") == "online-retail" and not config.get("path")


def load_totals(results: dict) -> tuple[int, int]:
    """Requests and failed requests over every load phase of every scale, soak included."""
    requests = failures = 0
    for scale in results.get("scales", []):
        serving = scale.get("serving") or {}
        for row in serving.get("phases", []):
            requests += row.get("requests", 0)
            failures += row.get("failures", 0)
        for row in serving.get("live") or []:
            for part in ("recommendations", "event", "reads"):
                requests += (row.get(part) or {}).get("requests", 0)
                failures += (row.get(part) or {}).get("failures", 0)
        soak = serving.get("soak")
        if soak:
            requests += soak["total"].get("requests", 0)
            failures += soak["total"].get("failures", 0)
    return requests, failures
