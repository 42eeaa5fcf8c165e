"""Served rows for the shopper who just acted: is the list they get next as good as one made from scratch?

The served rows score lists for shoppers who did nothing since training, so they measure the lists stored ahead
of time. The moment a shopper acts, the shop folds what they did into their stored list
(``models.fresh_feedback``) instead of building it again live; this measures what that shortcut costs.

In the served evaluation's scratch shop (the training part, trained), each test shopper with at least two test
products acts: their earliest test interaction (a purchase in Online Retail, a rating in MovieLens) is written
through the event code the API uses. Their remaining test products are then the target, and three lists of the
default strategy are scored against it:

- ``before the act``: the list stored ahead, asked before the event was written (what the act itself adds);
- ``folded``: asked right after the event, as the shop serves it (the stored list, the event folded in);
- ``rebuilt live``: the stored lists forgotten, so the list is made from scratch with the event in the history.

The acted product itself is never a target: the shop leaves out what a shopper just bought or rated.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from shopgraph.graph.db import Graph
from shopgraph.graph.events import Feedback, parse_event
from shopgraph.graph.settings import Neo4jSettings
from shopgraph.models.data import Interactions
from shopgraph.models.splits import Split

#: The rows, in the order the report lists them.
ACTED_ROWS = ("before the act", "folded", "rebuilt live")


def first_acts(interactions: Interactions, split: Split) -> dict[int, tuple[int, str, float]]:
    """Per test shopper with two test products or more: (product, event type, value) of their earliest test
    interaction, ties broken by product index so the choice is the same on every run."""
    events = interactions.events
    wanted = {(user, product) for user, products in split.test.items() if len(products) >= 2 for product in products}
    pairs = list(zip(events["user"].tolist(), events["product"].tolist(), strict=True))
    rows = events[[pair in wanted for pair in pairs]].sort_values(["user", "timestamp", "product"])
    acts: dict[int, tuple[int, str, float]] = {}
    for row in rows.drop_duplicates("user").itertuples(index=False):
        acts[int(row.user)] = (int(row.product), str(row.type), float(row.value))
    return acts


def after_acts(split: Split, acts: dict[int, tuple[int, str, float]]) -> Split:
    """The split whose test part is what each acting shopper did after acting."""
    return Split(split.train, {user: split.test[user] - {product} for user, (product, _, _) in acts.items()})


def write_acts(graph: Graph, interactions: Interactions, acts: dict[int, tuple[int, str, float]]) -> None:
    """Writes each act as the API writes the event (a purchase places an order of one line)."""
    events = []
    for user, (product, type_, value) in sorted(acts.items()):
        # A rating carries its stars; a purchase event takes no value (its quantity is one).
        event = parse_event(type_, str(interactions.product_ids[product]), int(value) if type_ == "rate" else None)
        events.append((str(interactions.user_ids[user]), event))
    Feedback(graph).record_many(events)


def acted_rows(settings: Neo4jSettings, env: dict[str, str], interactions: Interactions, split: Split,
               protocol_metrics: Iterable[str], k: int, strategy: str, scratch: Path, logs: Path,
               say: Callable[[str], None] = lambda message: None) -> list[dict[str, Any]]:
    """The three rows (family "acted") for ``strategy``, served from the trained scratch shop ``settings`` names.

    Writes to that shop: run it after every other served row.
    """
    from shopgraph.bench.shop import run_shopgraph
    from shopgraph.models.evaluation import score_lists
    from shopgraph.models.served_evaluation import COMMAND_TIMEOUT, SERVED_K, served_lists

    acts = first_acts(interactions, split)
    if not acts:
        return []
    target = after_acts(split, acts)
    shoppers = scratch / "acting-shoppers.txt"
    shoppers.write_text("".join(f"{interactions.user_ids[user]}\n" for user in sorted(acts)))
    rows = []

    def served(name: str) -> None:
        say(f"served to shoppers who just acted: {strategy}, {name}")
        out = scratch / f"acted-{name.replace(' ', '-')}.jsonl"
        run_shopgraph(["recommend", "--users", str(shoppers), "--k", str(SERVED_K), "--strategy", strategy,
                       "--out", str(out)], env, logs / f"acted-{name.replace(' ', '-')}.log", timeout=COMMAND_TIMEOUT)
        # Read uncut: what the shopper just took is no target, and the list asked before the act may still hold
        # it, so it is taken out before the list is cut to k.
        lists, _ = served_lists(out, interactions, target, SERVED_K)
        for user, (product, _, _) in acts.items():
            lists[user] = [index for index in lists.get(user, []) if index != product][:k]
        rows.append({"name": f"{strategy}, shopper who just acted: {name}", "strategy": strategy, "family": "acted",
                     "metrics": score_lists(lists, target, protocol_metrics, k), "shoppers": len(acts)})

    served(ACTED_ROWS[0])
    with Graph(settings) as graph:
        write_acts(graph, interactions, acts)
    served(ACTED_ROWS[1])
    with Graph(settings) as graph:
        graph.write("forget_stored_lists", userIds=[str(interactions.user_ids[user]) for user in sorted(acts)])
    served(ACTED_ROWS[2])
    return rows
