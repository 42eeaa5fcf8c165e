"""The Neo4j Browser guide: the graph model, a shopper's neighbourhood, every recommendation query and every
strategy file ready to run, built from the files in ``cypher/`` so that it never drifts from the code.

A Browser guide is an HTML page of ``<slide>`` elements; ``:play http://127.0.0.1:8000/guide`` in the Browser
shows them in its sidebar, where a click on a ``<pre class="runnable">`` block puts its text in the editor.
Each query's parameters come from the ``// Example:`` line of its header (the same call that runs it with
``shopgraph cypher``), as ``:param name => value`` lines -- the ``=>`` form keeps whole numbers integers,
which ``LIMIT`` needs. Example ids that the loaded data lacks are swapped for ones it has. A strategy file
(``models.strategy_files``) gets the parameters the shop would give a sample shopper: ``$userId``, ``$k`` and
the ``$seeds`` chosen from their history.
"""
from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from typing import Any

from shopgraph.cli.queries import _parse_value as parse_cli_value
from shopgraph.graph import queries
from shopgraph.graph.recommendations import SOURCES
from shopgraph.webapp.graph_picture import Edge, Node, render

#: The recommendation service's own reads, in the order a request runs them, then the cold-start sources.
RECOMMENDATION_QUERIES = ("user_history", *[s for s in SOURCES if s not in ("trending", "popular")],
                          "trending", "popular")
MERCHANDISING_QUERIES = ("active_rules", "rules", "experiments", "experiment_results",
                         "recommendation_click_through", "top_products", "activity_per_day")
#: Parameters the Browser computes from the graph instead of taking them from the example (a 64-float vector: a
#: shopper's embedding, in vector slot 1 or 2, whichever the live model version uses; see cypher/published_model).
BROWSER_EXPRESSIONS = {"vector": "head([(u:User) WHERE coalesce(u.embedding, u.embedding2) IS NOT NULL | "
                                 "coalesce(u.embedding, u.embedding2)])"}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class Query:
    name: str
    header: str
    statement: str
    params: dict[str, Any] = field(default_factory=dict)
    example: str | None = None

    @property
    def summary(self) -> str:
        """The header without its Parameters/Columns/Example lines: what the query finds."""
        lines = []
        for line in self.header.splitlines():
            if re.match(r"^(Parameters|Columns|Example|Writes)\b", line):
                break
            lines.append(line)
        return " ".join(lines)

    def header_field(self, name: str) -> str:
        """The text of a header field ("Parameters", "Columns"), continuation lines joined."""
        found, collecting = [], False
        for line in self.header.splitlines():
            if line.startswith(f"{name}:"):
                collecting = True
                found.append(line[len(name) + 1:].strip())
            elif collecting and not re.match(r"^[A-Z][a-z]+( \(|:)", line):
                found.append(line.strip())
            else:
                collecting = False
        return " ".join(found)

    @property
    def param_lines(self) -> list[str]:
        return [f":param {key} => {BROWSER_EXPRESSIONS.get(key) or cypher_literal(value)}"
                for key, value in self.params.items()]


def example_line(name: str) -> str | None:
    """The ``shopgraph cypher ...`` call on the header's ``Example:`` line, if it has one."""
    for line in queries.describe(name).splitlines():
        if line.startswith("Example:") and "shopgraph cypher" in line:
            return line[len("Example:"):].strip()
    return None


def example_params(command: str) -> dict[str, Any]:
    """The ``--param``/``-p`` values of a ``shopgraph cypher`` call, read as the command reads them."""
    words = shlex.split(command)
    params = {}
    for flag, value in zip(words, words[1:], strict=False):  # each word with the next: one pair fewer than words
        if flag in ("-p", "--param"):
            key, _, text = value.partition("=")
            params[key] = parse_cli_value(text)
    return params


def cypher_literal(value: Any) -> str:
    """A Python value (as parsed from JSON) written as a Cypher literal."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(cypher_literal(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key if _IDENTIFIER.match(key) else '`' + key + '`'}: {cypher_literal(item)}"
                               for key, item in value.items()) + "}"
    raise TypeError(f"no Cypher literal for {type(value).__name__}")


def load(name: str) -> Query:
    example = example_line(name)
    return Query(name, queries.describe(name), queries.query(name), example_params(example) if example else {},
                 example)


# -- example ids that exist in the loaded data ----------------------------------------------------------
def _samples(graph) -> dict[str, Any]:
    """A shopper, a product and a list/experiment id the graph has, to stand in for example ids it lacks."""
    row = graph.read_one("active_shoppers", limit=1) or {}
    products = graph.read("popular", limit=1)
    experiments = graph.read("experiments")
    return {"userId": row.get("id"), "productId": products[0]["productId"] if products else None,
            "experimentId": experiments[0]["experiment"]["id"] if experiments else None}


def _with_known_ids(query: Query, samples: dict[str, Any], known_products: set[str], known_users: set[str]) -> None:
    params = query.params
    if isinstance(params.get("userId"), str) and params["userId"] not in known_users and samples["userId"]:
        params["userId"] = samples["userId"]
    if isinstance(params.get("productId"), str) and params["productId"] not in known_products \
            and samples["productId"]:
        params["productId"] = samples["productId"]
    if isinstance(params.get("experimentId"), str) and samples["experimentId"]:
        params["experimentId"] = samples["experimentId"]
    for key in ("seeds", "liveSeeds"):
        if isinstance(params.get(key), list) and samples["productId"]:
            for seed in params[key]:
                if isinstance(seed, dict) and seed.get("id") not in known_products:
                    seed["id"] = samples["productId"]
    if isinstance(params.get("productIds"), list):
        present = [pid for pid in params["productIds"] if pid in known_products]
        params["productIds"] = present or [pid for pid in [samples["productId"]] if pid]


def _mentioned_ids(loaded: list[Query]) -> tuple[set[str], set[str]]:
    products, users = set(), set()
    for query in loaded:
        params = query.params
        if isinstance(params.get("productId"), str):
            products.add(params["productId"])
        products.update(pid for pid in params.get("productIds") or [] if isinstance(pid, str))
        for key in ("seeds", "liveSeeds"):
            products.update(seed["id"] for seed in params.get(key) or [] if isinstance(seed, dict) and "id" in seed)
        if isinstance(params.get("userId"), str):
            users.add(params["userId"])
    return products, users


# -- the graph model -------------------------------------------------------------------------------------
MODEL_NODES = [
    Node("User", "User", "user", ring=1), Node("Order", "Order", "order", ring=1),
    Node("Product", "Product", "product", ring=0), Node("Category", "Category", "category", ring=1),
    Node("Brand", "Brand", "brand", ring=1), Node("Tag", "Tag", "tag", ring=1), Node("Rule", "Rule", "rule", ring=2),
    Node("RecommendationList", "RecommendationList", "list", ring=2),
    Node("Experiment", "Experiment", "experiment", ring=2),
]
MODEL_EDGES = [
    Edge("User", "Order", "PLACED"), Edge("Order", "Product", "CONTAINS"),
    Edge("User", "Product", "PURCHASED · RATED · LIKED · VIEWED · ADDED_TO_CART"),
    Edge("Product", "Category", "IN_CATEGORY"), Edge("Category", "Category", "PARENT_OF"),
    Edge("Product", "Brand", "MADE_BY"), Edge("Product", "Tag", "TAGGED"),
    Edge("Product", "Product", "SIMILAR_TO · BOUGHT_WITH"), Edge("Rule", "Product", "TARGETS"),
    Edge("Rule", "Category", "TARGETS"), Edge("Rule", "Brand", "TARGETS"),
    Edge("RecommendationList", "Product", "SHOWED · CLICKED"),
    Edge("Experiment", "RecommendationList", "(experimentId)"),
]


def model_picture():
    edges = [edge for edge in MODEL_EDGES if edge.source != edge.target]
    return render(MODEL_NODES, edges, focus="Product", title="The ShopGraph model", width=900, height=520, seed=3)


def strategy_queries(graph, library, user_id: str | None) -> list[Query]:
    """Each strategy file as a guide query, with the parameters the shop would give ``user_id``."""
    from shopgraph.models.strategy_parameters import strategy_parameters

    params = strategy_parameters(graph, user_id)
    return [Query(name, strategy.header, strategy.statement, dict(params), strategy.example)
            for name, strategy in ((name, library.get(name)) for name in library.names()) if strategy is not None]


def contents(graph, library=None) -> dict[str, Any]:
    """Everything the guide template shows: the model, the neighbourhood queries, the recommendation and
    merchandising queries with their parameters, the strategy files (``library``, default the shop's folders)
    and the problems of those skipped, and the example ids used."""
    from shopgraph.models.strategy_files import StrategyLibrary

    groups = {"neighbourhood": ["shopper_neighbourhood", "product_neighbourhood"],
              "recommendations": list(RECOMMENDATION_QUERIES), "merchandising": list(MERCHANDISING_QUERIES)}
    loaded = {group: [load(name) for name in names] for group, names in groups.items()}
    everything = [query for group in loaded.values() for query in group]
    products, users = _mentioned_ids(everything)
    known_products = {row["product"]["id"] for row in graph.read("products_by_ids", productIds=sorted(products))}
    known_users = {row["id"] for row in graph.read("users_exist", userIds=sorted(users))}
    samples = _samples(graph)
    for query in everything:
        _with_known_ids(query, samples, known_products, known_users)
    library = library if library is not None else StrategyLibrary()
    problems = library.verify(graph)  # first, so that a file Neo4j refuses is not offered to run
    return {**loaded, "strategies": strategy_queries(graph, library, samples["userId"]), "strategy_problems": problems,
            "model_svg": model_picture(), "samples": samples}
