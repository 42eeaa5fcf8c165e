"""What the merchandiser's dashboard and the rules API share: recommendations before and after the rules,
telling every recommender that the rules changed, the evaluation reports, and a product's neighbourhood as a
picture.

Before-and-after uses two services of its own (one without rules, one with ``GraphMerchandiserRules``), so
the dashboard shows what the rules do whether or not the shop's own service has them wired in yet.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from flask import Flask, current_app, url_for

from shopgraph.graph.catalog import Catalog
from shopgraph.graph.settings import reports_dir
from shopgraph.models import rules as engine_rules
from shopgraph.models.merch_rules import GraphMerchandiserRules, describe_changes
from shopgraph.models.serving import CachePolicy, RecommendationService
from shopgraph.webapp import recommender
from shopgraph.webapp.display import display_name
from shopgraph.webapp.graph_picture import Edge, Node, render
from shopgraph.webapp.neo4j_ext import graph


class _Inspector:
    """The two services behind "before and after rules", built on first use."""

    def __init__(self, app: Flask) -> None:
        self._graph = app.extensions["neo4j"]
        self._artefacts_dir = app.config.get("ARTEFACTS_DIR")
        self._lock = threading.Lock()
        self.rules = GraphMerchandiserRules(self._graph)
        self._services: dict[str, RecommendationService] = {}

    def service(self, with_rules: bool) -> RecommendationService:
        key = "after" if with_rules else "before"
        with self._lock:
            if key not in self._services:
                hook = self.rules if with_rules else engine_rules.NoMerchandiserRules()
                self._services[key] = RecommendationService(self._graph, artefacts_dir=self._artefacts_dir,
                                                            merchandiser_rules=hook,
                                                            caching=CachePolicy(lists_ttl=30.0))
            return self._services[key]

    def rules_changed(self) -> None:
        self.rules.refresh()
        with self._lock:
            services = list(self._services.values())
        for service in services:
            service.refresh()


def init_app(app: Flask) -> None:
    recommender.init_app(app)
    app.extensions.setdefault("merch_inspector", _Inspector(app))
    app.config.setdefault("REPORTS_DIR", reports_dir())


def _inspector() -> _Inspector:
    return current_app.extensions["merch_inspector"]


def rules_changed() -> None:
    """After a rule is created, switched or deleted: every recommender in this process forgets its lists and
    re-reads the rules (other processes follow within their caches' lifetime, a few minutes at most)."""
    _inspector().rules_changed()
    shop_service = recommender.service()
    refresh = getattr(shop_service.merchandiser_rules, "refresh", None)
    if callable(refresh):
        refresh()
    shop_service.refresh()


def before_and_after(user_id: str | None, k: int, strategy: str) -> dict[str, Any]:
    """A shopper's list without and with the merchandiser rules: product cards (with ``reason`` in words and
    the raw ``because``), each with ``was``/``now`` positions, and the rules in force."""
    inspector = _inspector()
    before = inspector.service(False).recommend(user_id, k, strategy)
    after = inspector.service(True).recommend(user_id, k, strategy)
    changes = describe_changes(before, after)
    catalog = Catalog(graph())
    cards = {}
    for name, items in (("before", before), ("after", after)):
        cards[name] = [{**card, **changes.get(card["id"], {})}
                       for card in recommender.shelf(items, catalog, display_name)]
    dropped = [pid for pid, change in changes.items() if change["now"] is None]
    return {**cards, "dropped": dropped, "rules": inspector.rules.current()}


# -- evaluation reports ------------------------------------------------------------------------------
def evaluation_reports() -> list[dict[str, Any]]:
    """The newest report per dataset from ``reports/evaluation*.json`` (``shopgraph evaluate`` writes one per
    dataset, and ``--json`` a copy that may hold a list of them), newest first, each with its models sorted
    by NDCG@10 and its plot when ``<same name>.png`` exists. An unreadable file is listed with ``error``."""
    folder = Path(current_app.config["REPORTS_DIR"])
    reports: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("evaluation*.json"), key=lambda p: p.stat().st_mtime, reverse=True):
        plot = path.with_suffix(".png")
        base = {"file": path.name, "plot": plot.name if plot.exists() else None}
        try:
            payload = json.loads(path.read_text())
            results = payload if isinstance(payload, list) else [payload]
            entries = [{**base, **_report(result, path)} for result in results]
        except (OSError, ValueError, AttributeError, TypeError) as error:
            entries = [{**base, "dataset": path.stem, "error": f"{path.name} could not be read: {error}"}]
        for entry in entries:
            known = reports.get(entry["dataset"])
            # The per-dataset file (with its plot) wins over a copy of the same run.
            if known is None or (known["plot"] is None and entry["plot"] is not None and "error" not in entry):
                reports[entry["dataset"]] = entry
    return list(reports.values())


def _report(result: dict[str, Any], path: Path) -> dict[str, Any]:
    models = sorted(result.get("models") or [], key=lambda m: -((m.get("metrics") or {}).get("ndcg@10") or 0))
    metrics = list(dict.fromkeys(name for m in models for name in (m.get("metrics") or {})))
    return {"dataset": result.get("dataset") or path.stem, "protocol": result.get("protocol"), "models": models,
            "metrics": metrics}


def report_plot_path(name: str) -> Path | None:
    """The path of an evaluation plot by its file name, only for ``evaluation*.png`` in the reports folder."""
    folder = Path(current_app.config["REPORTS_DIR"]).resolve()
    if "/" in name or "\\" in name or not name.startswith("evaluation") or not name.endswith(".png"):
        return None
    path = (folder / name).resolve()
    return path if path.parent == folder and path.is_file() else None


# -- a product's neighbourhood as a picture ---------------------------------------------------------
def neighbourhood_picture(found: dict[str, Any]) -> Any:
    """The SVG of ``MerchStats.neighbourhood``: the product, its categories (and their parents), brands,
    tags, similar and bought-with products, loyal buyers and rules, with the relationships between them."""
    product = found["product"]
    focus = f"p:{product['id']}"
    nodes = {focus: Node(focus, display_name(product["name"]), "product", title=f"{product['id']}", ring=0)}
    edges: list[Edge] = []

    def add(node: Node, edge: Edge) -> None:
        nodes.setdefault(node.key, node)
        edges.append(edge)

    for category in found["categories"]:
        key = f"c:{category['id']}"
        add(Node(key, category["name"], "category", title=f"Category {category['name']}"),
            Edge(focus, key, "IN_CATEGORY"))
        if category.get("parent"):
            parent = f"c:{category['parent']['id']}"
            add(Node(parent, category["parent"]["name"], "category", ring=2), Edge(parent, key, "PARENT_OF"))
    for brand in found["brands"]:
        add(Node(f"b:{brand}", brand, "brand"), Edge(focus, f"b:{brand}", "MADE_BY"))
    for tag in found["tags"]:
        add(Node(f"t:{tag}", tag, "tag"), Edge(focus, f"t:{tag}", "TAGGED"))
    for relation, rows in (("SIMILAR_TO", found["similar"]), ("BOUGHT_WITH", found["boughtWith"])):
        for row in rows:
            key = f"p:{row['id']}"
            href = url_for("merch.products", product_id=row["id"])
            add(Node(key, display_name(row["name"]), "product", href=href,
                     title=f"{display_name(row['name'])} ({row['id']}), score {row.get('score') or 0:.2f}"),
                Edge(focus, key, relation))
    for buyer in found["buyers"]:
        key = f"u:{buyer['id']}"
        href = url_for("merch.shoppers", user_id=buyer["id"])
        add(Node(key, buyer.get("name") or f"Shopper {buyer['id']}", "user", href=href,
                 title=f"Shopper {buyer['id']}: {buyer.get('orders') or 0} orders"), Edge(key, focus, "PURCHASED"))
    for rule in found["rules"]:
        key = f"r:{rule['id']}"
        add(Node(key, f"{rule['kind']} rule{'' if rule.get('active') else ' (off)'}", "rule"),
            Edge(key, focus, "TARGETS"))
    return render(list(nodes.values()), edges, focus=focus,
                  title=f"The graph around {display_name(product['name'])}")
