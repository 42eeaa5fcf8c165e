"""``shopgraph evaluate``: the offline protocols of docs/evaluation.md, every model and peer side by side."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from shopgraph.graph.settings import reports_dir

EVALUATED = ("online-retail", "movielens-100k")


def _checked_strategies(names: tuple[str, ...]) -> tuple[str, ...]:
    """The ``--strategy`` names, once each, after making sure each one is a strategy: a built-in one or a valid
    strategy file (a skipped file's problems are printed, before the long run rather than after it)."""
    from shopgraph.models.serving import STRATEGIES
    from shopgraph.models.strategy_files import StrategyLibrary

    library = StrategyLibrary(log=False)  # its problems are printed below
    unknown = [name for name in names if name not in STRATEGIES and library.get(name) is None]
    if unknown:
        for problem in library.problems():
            click.echo(f"strategy file skipped: {problem}", err=True)
        known = ", ".join([*STRATEGIES, *library.names()])
        raise click.BadParameter(f"{', '.join(unknown)}: not a strategy; choose from {known}",
                                 param_hint="--strategy")
    return tuple(dict.fromkeys(names))


@click.command("evaluate")
@click.option("--dataset", "datasets", type=click.Choice(EVALUATED), multiple=True, required=True,
              help="The dataset to evaluate on (repeat for both).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the JSON result here (with several datasets: a list).")
@click.option("--path", type=click.Path(exists=True, path_type=Path), help="The dataset's source file or folder.")
@click.option("--reports", type=click.Path(file_okay=False, path_type=Path), default=reports_dir(),
              show_default=True, help="Where the JSON, Markdown table and NDCG plot go.")
@click.option("--seed", default=42, show_default=True)
@click.option("--served/--no-served", default=True, show_default=True,
              help="Also score every strategy as the shop serves it: the training part loaded into a scratch "
                   "Neo4j, `shopgraph train`, and lists from `shopgraph recommend --users FILE`.")
@click.option("--strategy", "strategies", multiple=True, metavar="NAME",
              help="Also serve this strategy (a strategy file's name, e.g. completes_the_basket; repeat for more), "
                   "score it beside the built-in strategies and the peers and print where it ranks. Leaves out the "
                   "default strategy's extra rows under other diversity caps.")
def evaluate_command(datasets: tuple[str, ...], json_path: Path | None, path: Path | None, reports: Path,
                     seed: int, served: bool, strategies: tuple[str, ...]) -> None:
    """Fit every model on the training part, measure the top 10 on the test part, write the reports; with
    --served (the default), the same for the lists the shop serves."""
    import json

    from shopgraph.bench.scratch import BenchError
    from shopgraph.models.evaluation import evaluate, markdown_table, write_report
    from shopgraph.models.served_evaluation import SERVED_STRATEGIES, where_it_ranks

    if strategies and not served:
        raise click.UsageError("--strategy scores a strategy as served; it cannot go with --no-served")
    strategies = _checked_strategies(strategies)
    extra = {} if not strategies else {
        "served_strategies": tuple(dict.fromkeys([*SERVED_STRATEGIES, *strategies])), "cap_variants": ()}
    results = []
    for dataset in datasets:
        try:
            result = evaluate(dataset, path=path, seed=seed, progress=True, served=served, **extra)
        except (BenchError, FileNotFoundError, ValueError) as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(1)
        ranks = [rank for rank in (where_it_ranks(result, name) for name in strategies) if rank is not None]
        if ranks:
            result["strategy_ranks"] = ranks
        paths = write_report(result, reports)
        results.append(result)
        click.echo(markdown_table(result))  # with a line per --strategy saying where it ranks
        click.echo(f"took {result['seconds']:.0f} s; wrote {paths['json']}, {paths['markdown']}, {paths['plot']}")
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        payload = results[0] if len(results) == 1 else results
        json_path.write_text(json.dumps(payload, indent=2, default=str))
        click.echo(f"wrote {json_path}")


def register(main: click.Group) -> None:
    main.add_command(evaluate_command)
