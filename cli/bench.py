"""``shopgraph bench``: serving, ingestion, training and growth figures, as JSON and a Markdown report."""
from __future__ import annotations

import signal
import sys
import time
from dataclasses import replace
from pathlib import Path

import click


def _numbers(text: str | None, name: str) -> tuple[int, ...] | None:
    if text is None:
        return None
    try:
        values = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a comma-separated list of whole numbers", param_hint=name) from None
    if not values or values[0] < 1:
        raise click.BadParameter("give whole numbers of 1 or more, e.g. 1,8,32", param_hint=name)
    return values


def _interrupt(signum, frame):
    # Unwind like Ctrl-C, so every server and process the bench started is stopped on the way out.
    raise KeyboardInterrupt


@click.command("bench")
@click.option("--json", "json_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the results as JSON to FILE.")
@click.option("--quick", is_flag=True, help="A few minutes: scales 1,2, 5 s phases, a 30 s soak.")
@click.option("--duration", type=click.FloatRange(min=0.5),
              help="Measured seconds per load phase [15, and 10 at the larger scales; quick 5].")
@click.option("--warmup", type=click.FloatRange(min=0), help="Unmeasured seconds before each phase [3; quick 1].")
@click.option("--soak", type=click.FloatRange(min=0), help="Seconds of mixed load at 1x for the memory figures "
              "[360, making the 1x run about 10 min; quick 30; 0 skips it].")
@click.option("--scales", help="Data scales to measure, e.g. 1,2,4,8 (1 is always measured) [1,2,4,8; quick 1,2].")
@click.option("--clients", help="Concurrent clients per phase [1,8,32].")
@click.option("--dataset", default="online-retail", show_default=True, help="The dataset to load.")
@click.option("--path", type=click.Path(exists=True, path_type=Path), help="The dataset's file or folder.")
@click.option("--no-train", is_flag=True, help="Skip `shopgraph train` (the shop serves untrained).")
@click.option("--retrain-growth", is_flag=True, help="Retrain at every larger scale too (slow).")
@click.option("--workers", type=click.IntRange(min=1), help="gunicorn workers [as `shopgraph serve`].")
@click.option("--threads", type=click.IntRange(min=1), help="Threads per gunicorn worker [as `shopgraph serve`].")
@click.option("--out", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="Report folder [reports/bench].")
def bench_command(json_file, quick, duration, warmup, soak, scales, clients, dataset, path, no_train,
                  retrain_growth, workers, threads, folder) -> None:
    """Benchmark ShopGraph on this machine against its own Neo4j and a real `shopgraph serve`.

    Writes reports/bench/bench.json and reports/bench/report.md (with plots). The demo's graph
    and trained models are never touched: the bench starts a Neo4j instance of its own and keeps
    its models in a scratch folder. A full run takes about 25 minutes on 2 cores.
    """
    from shopgraph.bench import report
    from shopgraph.bench.run import BenchConfig, run
    from shopgraph.bench.scratch import BenchError

    base = BenchConfig.quick_run() if quick else BenchConfig()
    config = base.with_changes(
        dataset=dataset, path=path, duration=duration, warmup=warmup, soak=soak,
        scales=_numbers(scales, "--scales"), clients=_numbers(clients, "--clients"),
        train=False if no_train else None, retrain_growth=True if retrain_growth else None,
        workers=workers, threads=threads,
    )
    if duration is not None:  # one phase length everywhere, as asked
        config = replace(config, growth_duration=None)
    folder = folder or report.DEFAULT_FOLDER
    began = time.monotonic()

    def say(message: str) -> None:
        click.echo(f"[{time.monotonic() - began:6.0f} s] {message}", err=True)

    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        results = run(config, folder=folder, say=say)
    except KeyboardInterrupt:
        click.echo("interrupted: the bench stopped everything it had started", err=True)
        sys.exit(130)
    except (BenchError, FileNotFoundError, ValueError) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    finally:
        signal.signal(signal.SIGTERM, previous)

    written = report.write(results, folder, json_file)
    click.echo("")
    for goal in results["goals"]:
        verdict = {True: "met", False: "NOT MET", None: "not measured"}[goal["met"]]
        click.echo(f"{verdict:>12}  {goal['goal']}: {goal['measured']} (goal {goal['target']})")
    click.echo(f"\nReport: {written['markdown']}\nJSON:   {written.get('json_copy', written['json'])}")
    if results["errors"]:
        click.echo(f"{len(results['errors'])} part(s) could not be measured; see the report.", err=True)
        sys.exit(1)


def register(main: click.Group) -> None:
    main.add_command(bench_command)
