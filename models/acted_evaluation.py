"""Served rows for the shopper who just acted: is the list they get next as good as one made from scratch?

The served rows score lists for shoppers who did nothing since training, so they measure the lists stored ahead
of time. The moment a shopper acts, the shop folds what they did into their stored list
(``models.fresh_feedback``) instead of building it again live; this measures what that shortcut costs.

In the served evaluation's scratch shop (the training part, trained, dated so that training ended now), each test
shopper with at least two test products acts: their earliest test interaction (a purchase in Online Retail, a
rating in MovieLens) is written through the event code the API uses. Their remaining test products are then the
target, and three lists of the default strategy are scored against it:

- ``before the act``: the list stored ahead, asked (``shopgraph recommend``) before any shopper acts;
- ``folded``: asked right after the shopper's event, as the shop serves it (the stored list, the event folded in);
- ``rebuilt live``: then the shopper's stored list is forgotten, and the list is made from scratch.

The shoppers act one after another in the order their acts happened, each asking for their lists right after
their own act, as the shop's recommendation service answers a request. So what a shopper is shown may draw on the
acts of shoppers who acted before them, as it would in the shop, but never on acts that came later: written all
at once, every shopper's later purchases would trend for everyone.

The acted product itself is never a target: the shop leaves out what a shopper just bought or rated.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from shopgraph.graph.db import Graph
from shopgraph.graph.events import Event, Feedback, parse_event
from shopgraph.graph.settings import Neo4jSettings
from shopgraph.models.data import Interactions
from shopgraph.models.splits import Split, first_held_out

#: The rows, in the order the report lists them.
ACTED_ROWS = ("before the act", "folded", "rebuilt live")


def first_acts(interactions: Interactions, split: Split) -> dict[int, tuple[int, str, float]]:
    """Per test shopper with two test products or more: (product, event type, value) of their earliest test
    interaction, ties broken by product index so the choice is the same on every run; in the order the acts
    happened."""
    return {int(row.user): (int(row.product), str(row.type), float(row.value))
            for row in first_held_out(interactions.events, split.test).itertuples(index=False)}


def after_acts(split: Split, acts: dict[int, tuple[int, str, float]]) -> Split:
    """The split whose test part is what each acting shopper did after acting."""
    return Split(split.train, {user: split.test[user] - {product} for user, (product, _, _) in acts.items()})


def act_event(interactions: Interactions, act: tuple[int, str, float]) -> Event:
    """The event an act is written as: a rating carries its stars; a purchase takes no value (its quantity is
    one, an order of one line)."""
    product, type_, value = act
    return parse_event(type_, str(interactions.product_ids[product]), int(value) if type_ == "rate" else None)


def acted_rows(settings: Neo4jSettings, env: dict[str, str], interactions: Interactions, split: Split,
               protocol_metrics: Iterable[str], k: int, strategy: str, scratch: Path, logs: Path,
               say: Callable[[str], None] = lambda message: None) -> list[dict[str, Any]]:
    """The three rows (family "acted") for ``strategy``, served from the trained scratch shop ``settings`` names
    (its model artefacts in ``env``'s ``SHOPGRAPH_ARTIFACTS``).

    Writes to that shop: run it after every other served row.
    """
    from shopgraph.bench.shop import run_shopgraph
    from shopgraph.models.served_evaluation import COMMAND_TIMEOUT, SERVED_K

    acts = first_acts(interactions, split)
    if not acts:
        return []
    shoppers = scratch / "acting-shoppers.txt"
    shoppers.write_text("".join(f"{interactions.user_ids[user]}\n" for user in sorted(acts)))
    files = {name: scratch / f"acted-{name.replace(' ', '-')}.jsonl" for name in ACTED_ROWS}

    say(f"served to shoppers who just acted: {strategy}, {ACTED_ROWS[0]}")
    run_shopgraph(["recommend", "--users", str(shoppers), "--k", str(SERVED_K), "--strategy", strategy,
                   "--out", str(files[ACTED_ROWS[0]])], env, logs / "acted-before-the-act.log",
                  timeout=COMMAND_TIMEOUT)
    say(f"served to shoppers who just acted: {strategy}, each acting in turn")
    with Graph(settings) as graph:
        _act_in_turn(graph, Path(env["SHOPGRAPH_ARTIFACTS"]), interactions, acts, strategy, SERVED_K,
                     files[ACTED_ROWS[1]], files[ACTED_ROWS[2]])
    return [_scored(name, files[name], interactions, split, acts, protocol_metrics, k, strategy)
            for name in ACTED_ROWS]


def _act_in_turn(graph: Graph, artefacts: Path, interactions: Interactions, acts: dict[int, tuple[int, str, float]],
                 strategy: str, k: int, folded: Path, live: Path) -> None:
    """Each shopper, in the order of ``acts``, acts and asks for their list twice: as served right after the
    event (folded), and with their stored list forgotten (rebuilt live). JSON lines as ``shopgraph recommend``
    writes them."""
    from shopgraph.models.merch_rules import GraphMerchandiserRules
    from shopgraph.models.serving import RecommendationService
    from shopgraph.models.strategy_files import StrategyLibrary

    service = RecommendationService(graph, artefacts_dir=artefacts, merchandiser_rules=GraphMerchandiserRules(graph),
                                    strategy_library=StrategyLibrary(log=False))
    feedback = Feedback(graph)

    def line(user_id: str) -> str:
        items = [item.as_dict() for item in service.recommend(user_id, k, strategy)]
        return json.dumps({"user_id": user_id, "items": items}, ensure_ascii=False) + "\n"

    with folded.open("w", encoding="utf-8") as folded_lines, live.open("w", encoding="utf-8") as live_lines:
        for user, act in acts.items():
            user_id = str(interactions.user_ids[user])
            feedback.record(user_id, act_event(interactions, act))
            service.forget(user_id)     # as the API does after every event
            folded_lines.write(line(user_id))
            graph.write("forget_stored_lists", userIds=[user_id])
            service.forget(user_id)
            live_lines.write(line(user_id))


def _scored(name: str, path: Path, interactions: Interactions, split: Split, acts: dict[int, tuple[int, str, float]],
            protocol_metrics: Iterable[str], k: int, strategy: str) -> dict[str, Any]:
    from shopgraph.models.evaluation import score_lists
    from shopgraph.models.served_evaluation import SERVED_K, served_lists

    target = after_acts(split, acts)
    # Read uncut: what the shopper just took is no target, and the list asked before the act may still hold it, so
    # it is taken out before the list is cut to k.
    lists, _ = served_lists(path, interactions, target, SERVED_K)
    for user, (product, _, _) in acts.items():
        lists[user] = [index for index in lists.get(user, []) if index != product][:k]
    return {"name": f"{strategy}, shopper who just acted: {name}", "strategy": strategy, "family": "acted",
            "metrics": score_lists(lists, target, protocol_metrics, k), "shoppers": len(acts)}
