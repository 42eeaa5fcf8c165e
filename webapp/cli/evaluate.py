"""``shopgraph evaluate``: the offline protocol of DESIGN.md, every model and peer side by side."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from graph.settings import PROJECT_ROOT

EVALUATED = ("online-retail", "movielens-100k")


@click.command("evaluate")
@click.option("--dataset", "datasets", type=click.Choice(EVALUATED), multiple=True, required=True,
              help="The dataset to evaluate on (repeat for both).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the JSON result here (with several datasets: a list).")
@click.option("--path", type=click.Path(exists=True, path_type=Path), help="The dataset's source file or folder.")
@click.option("--reports", type=click.Path(file_okay=False, path_type=Path), default=PROJECT_ROOT / "reports",
              show_default=True, help="Where the JSON, Markdown table and NDCG plot go.")
@click.option("--seed", default=42, show_default=True)
@click.option("--served/--no-served", default=True, show_default=True,
              help="Also score every strategy as the shop serves it: the training part loaded into a scratch "
                   "Neo4j, `shopgraph train`, and lists from `shopgraph recommend --all-users`.")
def evaluate_command(datasets: tuple[str, ...], json_path: Path | None, path: Path | None, reports: Path,
                     seed: int, served: bool) -> None:
    """Fit every model on the training part, measure the top 10 on the test part, write the reports; with
    --served (the default), the same for the lists the shop serves."""
    import json

    from bench.scratch import BenchError
    from models.evaluation import evaluate, markdown_table, write_report

    results = []
    for dataset in datasets:
        try:
            result = evaluate(dataset, path=path, seed=seed, progress=True, served=served)
        except (BenchError, FileNotFoundError, ValueError) as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(1)
        paths = write_report(result, reports)
        results.append(result)
        click.echo(markdown_table(result))
        click.echo(f"took {result['seconds']:.0f} s; wrote {paths['json']}, {paths['markdown']}, {paths['plot']}")
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        payload = results[0] if len(results) == 1 else results
        json_path.write_text(json.dumps(payload, indent=2, default=str))
        click.echo(f"wrote {json_path}")


def register(main: click.Group) -> None:
    main.add_command(evaluate_command)
