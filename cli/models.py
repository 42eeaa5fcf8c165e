"""``shopgraph train`` and ``shopgraph recommend``: the models, trained from the graph and asked from the shell."""
from __future__ import annotations

import json
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from shopgraph.graph.db import Graph, GraphUnavailable
from shopgraph.graph.recommendations import RecommendationRepository
from shopgraph.models.merch_rules import GraphMerchandiserRules
from shopgraph.models.serving import DEFAULT_STRATEGY, STORED_STRATEGY, STRATEGIES, RecommendationService
from shopgraph.models.strategy_files import StrategyLibrary

if TYPE_CHECKING:
    from shopgraph.models.stored_lists import StoredSummary

#: Shoppers asked at once by ``recommend --all-users`` (Neo4j answers several reads in parallel).
PARALLEL_SHOPPERS = 4


def _unreachable(error: Exception) -> None:
    click.echo(f"error: Neo4j is unreachable ({error}); start it with `shopgraph neo4j start`", err=True)
    sys.exit(1)


class _StageBars:
    """``progress(stage, total)`` for models.publish: one tqdm bar per stage, on stderr."""

    def __init__(self) -> None:
        self._bar: Any = None  # the current stage's tqdm bar (tqdm ships no types)

    def __call__(self, stage: str, total: int):
        from tqdm import tqdm

        self.close()
        self._bar = tqdm(total=total, desc=f"publish {stage}", unit="row", file=sys.stderr)
        return self._bar.update

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


@click.command("train")
@click.option("--models", "model_names", metavar="NAMES",
              help="Comma-separated models to train (default: every one), e.g. content,collaborative,mf.")
@click.option("--seed", default=42, show_default=True, help="Seed for reproducible training.")
@click.option("--store/--no-store", "store", default=True, show_default=True,
              help="Store every shopper's list made with the new version, which serving then reads in one step.")
def train(model_names: str | None, seed: int, store: bool) -> None:
    """Train every model on the graph's interactions, store the artefact version, publish it into the graph,
    and store every shopper's list made with it.

    A catalogue whose shoppers have done nothing yet trains what the products alone teach (content, the
    "similar items"), and says what it skipped and why."""
    from shopgraph.models.artefacts import read_metadata
    from shopgraph.models.data import interactions_from_graph
    from shopgraph.models.publish import PublishError, publish
    from shopgraph.models.training import train_all, train_catalogue

    names = [name.strip() for name in model_names.split(",") if name.strip()] if model_names else None
    stored = None
    try:
        with Graph() as graph:
            graph.driver.verify_connectivity()  # fail at once rather than after the driver's retries
            click.echo("Reading interactions from the graph...", err=True)
            interactions = interactions_from_graph(graph)
            if interactions.n_products == 0:
                click.echo("error: the graph has no products to learn from; load a dataset first "
                           "(`shopgraph load online-retail`)", err=True)
                sys.exit(1)
            if interactions.binary.nnz == 0:
                click.echo(f"No interactions yet: training what the {interactions.n_products:,} products teach "
                           "on their own.", err=True)
                folder = train_catalogue(interactions, models=names, seed=seed, progress=True)
            else:
                # The graph lets strategy files that feed hybrid and multi be read as of the validation period.
                folder = train_all(interactions, models=names, seed=seed, progress=True, graph=graph)
            bars = _StageBars()
            try:
                summary = publish(graph, folder, progress=bars, on_wait=lambda message: click.echo(message, err=True))
            finally:
                bars.close()
            if store:
                # Shoppers who signed up but did nothing yet still get a stored list; a shop with none has
                # nothing to store.
                user_ids = list(RecommendationRepository(graph).user_ids())
                stored = _store(graph, user_ids) if user_ids else None
    except GraphUnavailable as error:
        _unreachable(error)
    except (PublishError, ValueError) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    click.echo(f"Artefacts: {folder}")
    click.echo(_trained_report(read_metadata(folder)))
    click.echo(summary.report())
    if stored is not None:
        click.echo(stored.report())
    elif store:
        click.echo("Stored lists: skipped (no shoppers yet).")


def _trained_report(metadata: dict) -> str:
    """What the version holds and what it left out, e.g. "Trained: content. Skipped: mf (no interactions yet)."."""
    trained = ", ".join(metadata.get("models") or {}) or "nothing"
    skipped = metadata.get("skipped") or {}
    text = f"Trained: {trained}."
    by_reason: dict[str, list[str]] = {}
    for name, reason in skipped.items():  # models skipped for the same reason are named together
        by_reason.setdefault(str(reason), []).append(name)
    if by_reason:
        text += " Skipped: " + "; ".join(f"{', '.join(names)} ({reason})" for reason, names in by_reason.items())
        text += "."
    return text


def _store(graph: Graph, user_ids) -> StoredSummary:
    """Stores the lists of ``user_ids`` with a progress bar (see models.stored_lists)."""
    from tqdm import tqdm

    from shopgraph.models.stored_lists import store_lists

    users = list(user_ids)
    # Stored lists are made before merchandiser rules, which apply as each list is served.
    service = RecommendationService(graph)
    with tqdm(total=len(users), desc="store lists", unit="shopper", file=sys.stderr) as bar:
        return store_lists(service, users, progress=bar.update)


@click.command("recommend")
@click.option("--user", "user_id", metavar="ID", help="The shopper to recommend for.")
@click.option("--all-users", is_flag=True, help="Every shopper in the graph, in id order.")
@click.option("--users", "users_file", type=click.File("r", encoding="utf-8"), metavar="FILE",
              help="The shoppers named in FILE, one id per line (- for standard input); ids the graph does not "
                   "know are reported and skipped.")
@click.option("--k", default=10, show_default=True, type=click.IntRange(1, 100), help="Products per shopper.")
@click.option("--strategy", default=DEFAULT_STRATEGY, show_default=True, metavar="NAME",
              help=f"One of {', '.join(STRATEGIES)}, or a strategy file's name (cypher/strategies/NAME.cypher, or a "
                   "folder of $SHOPGRAPH_STRATEGY_DIRS).")
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write the JSON lines to FILE.jsonl instead of the screen.")
@click.option("--store", is_flag=True,
              help=f"Instead of printing, store the shoppers' {STORED_STRATEGY} lists in the graph for serving to read "
                   "(what `shopgraph train` does after publishing; run it nightly to keep them fresh).")
def recommend(user_id: str | None, all_users: bool, users_file, k: int, strategy: str, out: Path | None,
              store: bool) -> None:
    """Recommendations as JSON lines: {"user_id", "items": [{"product_id", "score", "because"}]} per shopper."""
    if sum((bool(user_id), all_users, users_file is not None)) != 1:
        raise click.UsageError("give one of --user ID, --users FILE or --all-users")
    if store and out:
        raise click.UsageError("--store writes into the graph; it takes no --out")
    try:
        with Graph() as graph:
            graph.driver.verify_connectivity()  # fail at once rather than after the driver's retries
            repository = RecommendationRepository(graph)
            if user_id and not graph.read("users_exist", userIds=[user_id]):
                click.echo(f"error: no shopper with id {user_id!r}", err=True)
                sys.exit(1)
            if users_file is not None:
                users = _known_shoppers(graph, users_file)
            else:
                users = [user_id] if user_id else list(repository.user_ids())
            if store:
                click.echo(_store(graph, users).report())
                return
            library = StrategyLibrary(log=False)  # _check_strategy and _report_failures print what matters
            service = RecommendationService(graph, merchandiser_rules=GraphMerchandiserRules(graph),
                                            strategy_library=library)
            _check_strategy(service, library, graph, strategy)
            with (out.open("w", encoding="utf-8") if out else nullcontext(sys.stdout)) as sink:
                written = _write_lines(service, users, k, strategy, sink, show_progress=out is not None)
            _report_failures(library, strategy)
    except GraphUnavailable as error:
        _unreachable(error)
    if out:
        click.echo(f"Wrote recommendations for {written:,} shopper(s) to {out}", err=True)


def _check_strategy(service: RecommendationService, library: StrategyLibrary, graph: Graph, strategy: str) -> None:
    """Says which strategy files were skipped and why (Neo4j's check included), and stops on an unknown strategy."""
    for problem in library.verify(graph):
        click.echo(f"strategy file skipped: {problem}", err=True)
    if strategy not in service.strategy_names():
        raise click.BadParameter(f"{strategy!r} is not a strategy; choose one of {', '.join(service.strategy_names())}",
                                 param_hint="--strategy")


def _report_failures(library: StrategyLibrary, strategy: str) -> None:
    """A strategy file whose runs failed (a timeout, an error Neo4j raised) gave those shoppers no candidates of
    its own: say so, since their lists hold only what serving tops lists up with."""
    failed = library.failures().get(strategy)
    if failed:
        count, message = failed
        click.echo(f"warning: strategy {strategy} failed for {count:,} shopper(s); the last error: {message}",
                   err=True)


def _known_shoppers(graph: Graph, lines) -> list[str]:
    """The ids of a --users file in its order, once each; unknown ones reported on stderr and left out."""
    named = list(dict.fromkeys(line.strip() for line in lines if line.strip()))
    known = {row["id"] for row in graph.read("users_exist", userIds=named)}
    unknown = [user for user in named if user not in known]
    if unknown:
        shown = ", ".join(repr(user) for user in unknown[:5]) + (" ..." if len(unknown) > 5 else "")
        click.echo(f"skipped {len(unknown):,} id(s) the graph does not know: {shown}", err=True)
    return [user for user in named if user in known]


def _write_lines(service: RecommendationService, users: list[str], k: int, strategy: str, sink,
                 show_progress: bool) -> int:
    from tqdm import tqdm

    def line(user: str) -> str:
        items = [item.as_dict() for item in service.recommend(user, k, strategy)]
        return json.dumps({"user_id": user, "items": items}, ensure_ascii=False)

    bar = tqdm(total=len(users), desc="recommend", unit="shopper", file=sys.stderr, disable=not show_progress)
    with ThreadPoolExecutor(max_workers=PARALLEL_SHOPPERS) as pool:
        for text in pool.map(line, users):
            sink.write(text + "\n")
            bar.update(1)
    bar.close()
    return len(users)


def register(main: click.Group) -> None:
    main.add_command(train)
    main.add_command(recommend)
