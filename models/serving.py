"""The recommendation service the shop, the API and `shopgraph recommend` call.

Serving is light: it reads graph edges and stored vectors through ``graph.recommendations`` and the newest
artefact's metadata (hybrid weights, the multi ranker's arrays), scores with numpy, and never imports
TensorFlow. The service puts a shopper's list together from parts, each a module of its own:

- ``models.stored_ranking``: every request first reads the shopper's state -- a fingerprint of their activity,
  the list stored for them ahead of time (``list_to_store``, written by ``shopgraph train`` and ``shopgraph
  recommend --all-users --store``) and what they did since. While that list holds -- nothing done since it was
  made, same model version, not too old -- that one small read is all a default list costs; what they did since
  is folded into it, prepared by the same read;
- ``models.candidate_sources``: otherwise the list is built live, from the shopper's history and every candidate
  source at once (two more round trips), plus the shop-wide lists and vectors every shopper shares;
- ``models.ranking``: the strategy's order over those candidates (one generator, the hybrid blend, the multi
  ranker);
- ``models.list_finishing``: the last steps of every list, whichever path made it -- merchandiser rules (which
  respect the shopper's exclusions), the request's ``ListFilter``, the diversity cap, then k items.

Visitors' lists (``models.visitor_lists``) and a product page's rows (``models.product_lists``, as ``products``)
are parts of their own.

Feedback is live: a purchase, rating, like, dislike or cart change alters the activity fingerprint, so the very
next list shows it (also in other worker processes). Lists are cached per shopper under that fingerprint, for a
few minutes; ``forget(user_id)`` drops them at once.

Every item carries ``because``: the evidence that put it there, strongest first (the reason kinds the API's
OpenAPI document lists).

A list may be narrowed (``ListFilter``): to one category and the categories below it, without some products, and
from an offset into the ranking. The filter applies to the whole ranking before it is cut to k, whichever path made
it: a stored list is used when, filtered, it still holds offset + k items (it is the head of the same ranking),
otherwise the list is built live. Cached lists are cached per filter, so they never hold a product the filter
leaves out.
"""
from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable, Set
from dataclasses import dataclass
from typing import Any

from shopgraph.graph.recommendations import RecommendationRepository, ShopperHistory
from shopgraph.models import rules
from shopgraph.models.candidate_sources import STRATEGY_GENERATORS, CandidateSources, Limits
from shopgraph.models.fresh_feedback import FRESH_LIMIT, FRESH_SHARE
from shopgraph.models.list_finishing import (
    MAX_K,
    MAX_OFFSET,
    NO_FILTER,
    ListFilter,
    ListFinishing,
    Recommendation,
)
from shopgraph.models.product_lists import ProductLists, merge_rows
from shopgraph.models.ranking import Ranker
from shopgraph.models.serving_artefacts import ArtefactWatch
from shopgraph.models.serving_blend import choose_seeds
from shopgraph.models.serving_cache import ShopperCache
from shopgraph.models.stored_ranking import StoredRanking
from shopgraph.models.strategy_files import StrategyLibrary
from shopgraph.models.visitor_lists import MAX_VIEWED, VisitorLists

__all__ = ["DEFAULT_STRATEGY", "STORED_STRATEGY", "STORED_SIZE", "STORED_MAX_AGE", "STRATEGIES", "MAX_K", "CachePolicy",
           "Limits", "ListFilter", "MAX_OFFSET", "MAX_VIEWED", "NO_FILTER", "Recommendation",
           "RecommendationService", "UnknownShopper", "UnknownStrategy"]

STRATEGIES = ("popular", "trending", "content", "collaborative", "item_regression", "mf", "embedding", "hybrid",
              "multi")
#: The strategy shoppers get unless an experiment or a request names another. Chosen on served figures (the served
#: rows of `shopgraph evaluate`): multi leads by far on Online Retail and is second to mf on MovieLens-100k; without a
#: trained ranker it serves the hybrid blend.
DEFAULT_STRATEGY = "multi"
#: The strategy whose lists are stored ahead of time (the shop's default), and how long they are.
STORED_STRATEGY = DEFAULT_STRATEGY
STORED_SIZE = 50
#: Stored lists older than this are not used (trending and other shoppers' baskets move on); a nightly
#: ``shopgraph recommend --all-users --store`` keeps them younger.
STORED_MAX_AGE = 2 * 24 * 3600.0


@dataclass(frozen=True)
class CachePolicy:
    """How long serving keeps what it read, in seconds, and how much of it (``RecommendationService(caching=)``).

    ``lists_ttl`` and ``lists_size``: the lists cached per shopper (a shopper's event drops theirs at once);
    ``shared_ttl``: trending, popular and the shop's latest activity (categories: ten times as long);
    ``version_check_seconds``: how often the published model version is looked for; ``stored_max_age``: the
    oldest stored list served.
    """

    lists_ttl: float = 300.0
    lists_size: int = 4096
    shared_ttl: float = 60.0
    version_check_seconds: float = 30.0
    stored_max_age: float = STORED_MAX_AGE


class UnknownStrategy(ValueError):
    pass


class UnknownShopper(LookupError):
    pass


class RecommendationService:
    """One per process; thread-safe. ``graph`` is a ``graph.db.Graph``.

    ``artefacts_dir`` is the artefact store's root (default ``$SHOPGRAPH_ARTIFACTS`` or ``<repo>/artifacts``);
    ``merchandiser_rules`` is the hook of ``models.rules.MerchandiserRules``. ``served`` counts the lists served
    by each path: "stored", "folded", "cached" and "live"; ``on_served(path)`` is told of each too (the web app
    counts them for /metrics).
    """

    def __init__(self, graph, artefacts_dir=None, merchandiser_rules: rules.MerchandiserRules | None = None,
                 limits: Limits | None = None, caching: CachePolicy | None = None,
                 strategy_library: StrategyLibrary | None = None,
                 on_served: Callable[[str], None] | None = None) -> None:
        caching = caching or CachePolicy()
        self.graph = graph
        self.repository = RecommendationRepository(graph)
        self.limits = limits or Limits()
        self.merchandiser_rules = merchandiser_rules or rules.NoMerchandiserRules()
        self.artefacts = ArtefactWatch(artefacts_dir, check_seconds=caching.version_check_seconds, graph=graph)
        self._cache = ShopperCache(caching.lists_size, caching.lists_ttl)
        #: Strategies written as Cypher files (``models.strategy_files``), served beside the built-in ones.
        self.strategy_files = strategy_library or StrategyLibrary()
        self.sources = CandidateSources(graph, self.repository, self.limits, self.strategy_files, caching.shared_ttl,
                                        caching.version_check_seconds, on_new_version=self._cache.clear)
        self.ranker = Ranker(self.artefacts, self.sources, self.limits.reasons)
        self.stored = StoredRanking(STORED_STRATEGY, self.sources, caching.stored_max_age, self.limits.reasons,
                                    self._served, fresh_share=self._fresh_share)
        self.finishing = ListFinishing(self.repository, self.sources, self.artefacts, self.merchandiser_rules)
        self.visitors = VisitorLists(self.repository, self.sources, self.limits, self.finishing)
        self.products = ProductLists(self.repository)
        self.served: Counter[str] = Counter()
        self._served_lock = threading.Lock()
        self._on_served = on_served

    # -- the public interface ------------------------------------------------------------------
    def strategy_names(self) -> tuple[str, ...]:
        """Every strategy this service serves: the built-in ones, then the valid strategy files."""
        return STRATEGIES + tuple(name for name in self.strategy_files.names() if name not in STRATEGIES)

    def recommend(self, user_id: str | None, k: int = 10, strategy: str = DEFAULT_STRATEGY,
                  wanted: ListFilter = NO_FILTER) -> list[Recommendation]:
        """Top-k products for a shopper (None: a visitor), without what they just bought or disliked, narrowed by
        ``wanted``.

        An id the graph does not know is answered like a visitor. Raises ``UnknownStrategy`` for a strategy
        not in ``strategy_names()`` and ``ValueError`` for k outside 1..100 or an offset outside 0..MAX_OFFSET.
        """
        if user_id is None:
            self._check(k, strategy, wanted)
        else:
            try:
                return self.recommend_for(user_id, k, strategy, wanted)  # checks k and strategy first
            except UnknownShopper:
                pass
        return self.visitors.shop_wide(k, strategy, wanted)

    def recommend_viewed(self, product_ids: list[str], k: int = 10, strategy: str = DEFAULT_STRATEGY,
                         wanted: ListFilter = NO_FILTER) -> list[Recommendation]:
        """Top-k products for a visitor who viewed ``product_ids`` (newest first; ids naming no product are
        ignored): their content and collaborative neighbours, each item's ``because`` naming the viewed product
        it came from, topped up with trending products. Nothing is written; the viewed products are left out."""
        self._check(k, strategy, wanted)
        return self.visitors.from_viewed(product_ids, k, strategy, wanted)

    def recommend_for(self, user_id: str, k: int = 10, strategy: str = DEFAULT_STRATEGY,
                      wanted: ListFilter = NO_FILTER) -> list[Recommendation]:
        """Like ``recommend`` for a known shopper; raises ``UnknownShopper`` for an id the graph does not know.

        The first read is the shopper's state (cypher/shopper_state.cypher). While their activity matches a
        cached list, or the list stored for them ahead of time still holds or takes what they did since (the state
        read prepares the fold: ``StoredRanking.walk``), that read is the only one; otherwise the list is built
        live from their history and every candidate source.
        """
        self._check(k, strategy, wanted)
        rules_version = getattr(self.merchandiser_rules, "version", None)
        state = self.repository.state(user_id, sorted(self._watched_products()), fresh_limit=FRESH_LIMIT + 1,
                                      fold=self.stored.walk(strategy))
        if state is None:
            raise UnknownShopper(user_id)
        # The rules' version is part of the key, so a rule changed in another worker reaches cached lists too;
        # so is a strategy file's, so that a file changed in development is not answered from the old one's lists.
        key: tuple[Any, ...] = (state.user_id, strategy, k, rules_version, self.strategy_files.version(strategy))
        if wanted != NO_FILTER:
            key += (wanted.key(),)
        cached = self._cache.get(key, state.activity)
        if cached is not None and wanted.category is not None:
            # A product may have moved out of the category since the list was cached: it must not leak.
            inside = self.repository.in_category(wanted.category, [item.product_id for item in cached])
            cached = cached if all(item.product_id in inside for item in cached) else None
        if cached is not None:
            self._served("cached")
            return list(cached)
        depth = wanted.offset + k
        ranked = self.stored.ranking(state, strategy, depth)
        items = None
        if ranked is not None:
            # The stored list is the head of the ranking: filtered, it stands while it still holds offset + k.
            items = self.finishing.serve(state.user_id, ranked, set(state.leave_out | state.excluded), k, wanted,
                                         complete=False)
        if items is None:
            history = self.repository.history(user_id, self.limits.history)
            if history is None:
                raise UnknownShopper(user_id)
            ranked, excluded = self._rank_for_shopper(history, strategy, depth)
            items = self.finishing.serve(history.user_id, ranked, excluded, k, wanted) or []
            self._served("live")
        self._cache.put(key, state.activity, items)
        return items

    def list_to_store(self, user_id: str) -> dict[str, Any] | None:
        """The row cypher/store_recommendations.cypher stores for a shopper (None for an unknown one): their
        ``STORED_STRATEGY`` ranking before merchandiser rules, ``STORED_SIZE`` long, made for their activity now.

        The state is read before the history, so an event landing in between leaves the stored list marked
        with the older activity, and serving will not use it as it is.
        """
        state = self.repository.state(user_id)
        if state is None:
            return None
        history = self.repository.history(user_id, self.limits.history)
        if history is None:
            return None
        ranked, _ = self._rank_for_shopper(history, STORED_STRATEGY, STORED_SIZE)
        ranked = ranked[:STORED_SIZE]
        return {"userId": state.user_id, "ids": [item.product_id for item in ranked],
                "scores": [round(float(item.score), 6) for item in ranked],
                "because": [json.dumps(item.because, separators=(",", ":")) for item in ranked],
                "activity": state.activity, "version": self.sources.model_version() or ""}

    def forget(self, user_id: str) -> None:
        """Drop anything cached for this shopper; called after every feedback event."""
        self._cache.forget(user_id)

    def forget_product(self, product_id: str) -> None:
        """A product left the shop: lists cached with it and the shop-wide lists are built again (the product's
        card is gone, so shelves leave it out meanwhile; vectors and categories follow at their next reload)."""
        self._cache.clear()
        self.sources.trending.reset()
        self.sources.popular.reset()

    def warm_up(self) -> None:
        """Load the shared lists and vectors now rather than on the first request."""
        self.sources.warm_up()
        self.artefacts.current()

    def refresh(self) -> None:
        """Forget every cached list and shared value (after training publishes a new version)."""
        self._cache.clear()
        self.sources.refresh()

    # -- shoppers -----------------------------------------------------------------------------
    def _rank_for_shopper(self, history: ShopperHistory, strategy: str,
                          k: int) -> tuple[list[rules.Ranked], set[str]]:
        """The shopper's candidates ranked by the strategy, without their exclusions, topped up with trending
        products to at least ``k``; and those exclusions (which merchandiser rules must respect too)."""
        seeds, seeds_from_views = choose_seeds(history, self.limits.seeds)
        if strategy in STRATEGY_GENERATORS:
            pool = self.sources.generate(history, seeds, self.ranker.generators(strategy))
            ranked = self.ranker.rank(strategy, history, seeds, seeds_from_views, pool)
        else:
            rows = self.sources.from_file(history.user_id, seeds, strategy)
            ranked = [rules.Ranked(item.product_id, item.score, item.because[:self.limits.reasons])
                      for item in merge_rows(rows, self.limits.per_source)]
        for item in ranked:
            item.category = self.sources.category(item.product_id)
        excluded = rules.excluded_products(history)
        ranked = rules.leave_out(ranked, excluded)
        if len(ranked) < k:
            ranked += self.sources.backfill(ranked, excluded)[:k]
        return ranked, excluded

    def _fresh_share(self) -> float:
        """How much of a folded list comes from what the shopper just did: training's choice for the shop."""
        return float(((self.artefacts.current() or {}).get("fold") or {}).get("fresh_share", FRESH_SHARE))

    def _check(self, k: int, strategy: str, wanted: ListFilter = NO_FILTER) -> None:
        if strategy not in STRATEGIES and self.strategy_files.get(strategy) is None:
            raise UnknownStrategy(strategy)
        if not isinstance(k, int) or not 1 <= k <= MAX_K:
            raise ValueError(f"k must be a whole number from 1 to {MAX_K}")
        if not isinstance(wanted.offset, int) or not 0 <= wanted.offset <= MAX_OFFSET:
            raise ValueError(f"offset must be a whole number from 0 to {MAX_OFFSET}")

    def _served(self, path: str) -> None:
        """Counts a list served by ``path``: what the bench and /metrics show."""
        with self._served_lock:
            self.served[path] += 1
        if self._on_served is not None:
            self._on_served(path)

    def _watched_products(self) -> Set[str]:
        """Products merchandiser rules may add to a list that its ranking did not propose (pins)."""
        watched = getattr(self.merchandiser_rules, "addable_products", None)
        return watched() if watched is not None else frozenset()
