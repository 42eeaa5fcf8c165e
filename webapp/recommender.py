"""The app's one RecommendationService, and recommendations put into the shop's words.

Recommendations come only from ``models.serving.RecommendationService``. This module owns its
lifecycle (one per app, in ``app.extensions["recommender"]``, built on first use so that app start
stays fast) and turns each item's ``because`` evidence into a sentence a shopper reads:
"Bought with Red Mug", "Same category as Tea Set", "Trending now".
"""
from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Flask, current_app

from shopgraph.graph.catalog import Catalog
from shopgraph.graph.db import GraphUnavailable
from shopgraph.models.merch_rules import GraphMerchandiserRules
from shopgraph.models.serving import DEFAULT_STRATEGY, Recommendation, RecommendationService
from shopgraph.models.vocabulary import GROUP_EVIDENCE, PLAIN_EVIDENCE, PRODUCT_EVIDENCE
from shopgraph.webapp import ops_metrics
from shopgraph.webapp.shelf_cache import TTL, ShelfCache

log = logging.getLogger(__name__)


class _Holder:
    def __init__(self, app: Flask) -> None:
        self._graph = app.extensions["neo4j"]
        self._artefacts_dir = app.config.get("ARTEFACTS_DIR")
        self._service: RecommendationService | None = None
        self._lock = threading.Lock()

    def get(self) -> RecommendationService:
        if self._service is None:
            with self._lock:
                if self._service is None:
                    # Merchandiser rules apply to every list the shop serves; offline evaluation runs without them.
                    self._service = RecommendationService(self._graph, artefacts_dir=self._artefacts_dir,
                                                          merchandiser_rules=GraphMerchandiserRules(self._graph),
                                                          on_served=ops_metrics.count_served)
        return self._service


def init_app(app: Flask) -> None:
    """Registers the service holder and the shelves' card cache once per app (blueprints call this when they
    are registered)."""
    app.extensions.setdefault("recommender", _Holder(app))
    app.extensions.setdefault("shelf_cache", ShelfCache(ttl=app.config.get("SHELF_CACHE_SECONDS", TTL)))


def service() -> RecommendationService:
    return current_app.extensions["recommender"].get()


def forget(user_id: str) -> None:
    """Tells the service a shopper's feedback changed, so their next list is fresh."""
    service().forget(user_id)


def recommend_for_page(user_id: str | None, k: int, strategy: str = DEFAULT_STRATEGY) -> list[Recommendation]:
    """Recommendations for a page; a failing engine costs the page a row, never the page itself."""
    try:
        return service().recommend(user_id, k, strategy)
    except GraphUnavailable:
        raise
    except Exception:
        log.exception("recommendations failed for %s (%s)", user_id, strategy)
        return []


def related_for_page(kind: str, product_id: str, k: int) -> list[Recommendation]:
    """``similar_products`` or ``bought_together`` for a product page, with the same forgiveness."""
    try:
        return getattr(service().products, kind)(product_id, k)
    except GraphUnavailable:
        raise
    except Exception:
        log.exception("%s failed for product %s", kind, product_id)
        return []


# -- reasons in words -------------------------------------------------------------------------
def reason_ids(because: list[dict[str, Any]]) -> tuple[set[str], set[str]]:
    """The product ids and category ids a list of evidence mentions."""
    products, categories = set(), set()
    for evidence in because or []:
        if isinstance(evidence.get("product"), str):
            products.add(evidence["product"])
        if isinstance(evidence.get("category"), str):
            categories.add(evidence["category"])
    return products, categories


def describe(because: list[dict[str, Any]], product_names: dict[str, str], category_names: dict[str, str],
             limit: int = 2) -> str:
    """The evidence for one item as a short sentence, e.g. "Bought with Red Mug · Trending now"."""
    phrases: list[str] = []
    for evidence in because or []:
        phrase = _phrase(evidence, product_names, category_names)
        if phrase and phrase not in phrases:
            phrases.append(phrase)
    return " · ".join(phrases[:limit])


def _phrase(evidence: dict[str, Any], product_names: dict[str, str], category_names: dict[str, str]) -> str:
    """One piece of evidence in words (``models.vocabulary``)."""
    kind = str(evidence.get("kind") or "")
    product = product_names.get(evidence.get("product") or "")
    if product and kind in PRODUCT_EVIDENCE:
        return PRODUCT_EVIDENCE[kind].format(product=product)
    category = evidence.get("category")
    if isinstance(category, str):
        return GROUP_EVIDENCE["same_category"].format(category=category_names.get(category, category))
    for group in ("brand", "tag"):
        if evidence.get(group):
            return GROUP_EVIDENCE[f"same_{group}"].format(**{group: evidence[group]})
    return PLAIN_EVIDENCE.get(kind) or kind.replace("_", " ").capitalize()


def shelf(recommendations: list[Recommendation], catalog: Catalog, display_name=str,
          current: str | None = None) -> list[dict[str, Any]]:
    """Product cards for a list of recommendations, in order, each with ``reason`` (words), ``score`` and
    ``because``; items whose product no longer exists are left out. Two reads: the products and any
    categories the evidence names (both kept two minutes per process: webapp.shelf_cache). On a product's
    own page (``current``) its reasons say "this item"."""
    wanted = [item.product_id for item in recommendations]
    mentioned_products: set[str] = set()
    mentioned_categories: set[str] = set()
    for item in recommendations:
        products, categories = reason_ids(item.because)
        mentioned_products |= products
        mentioned_categories |= categories
    cache: ShelfCache = current_app.extensions["shelf_cache"]
    cards = {p["id"]: p for p in cache.products(catalog, wanted + sorted(mentioned_products - set(wanted)))}
    names = {pid: display_name(card["name"] or pid) for pid, card in cards.items()}
    if current:
        names[current] = "this item"
    category_names = cache.category_names(catalog, sorted(mentioned_categories))
    return [
        {**cards[item.product_id], "score": item.score, "because": item.because,
         "reason": describe(item.because, names, category_names)}
        for item in recommendations if item.product_id in cards
    ]
