"""The recommendation service the shop, the API and `shopgraph recommend` call.

Serving is light: it reads graph edges and stored vectors through ``graph.recommendations`` and the newest
artefact's metadata (hybrid weights, the multi ranker's arrays), scores with numpy, and never imports
TensorFlow. Each request first reads the shopper's state: a fingerprint of their activity and the list
stored for them ahead of time (``list_to_store``, written by ``shopgraph train`` and ``shopgraph recommend
--all-users --store``). While that stored list still holds -- nothing done since it was made, same model
version, not too old -- that one small read is all a default list costs. Otherwise the list is built live in
two more round trips -- the shopper's history, then every candidate source at once -- plus numpy blending;
trending, popular and the product vectors are shared caches.

Feedback is live: a purchase, rating, like, dislike or cart change alters the activity fingerprint, so the
very next list is built afresh from the history (also in other worker processes). Lists are cached per
shopper under that fingerprint, for a few minutes; ``forget(user_id)`` drops them at once. Merchandiser
rules apply to every list as it is served, stored or not.

Every item carries ``because``: the evidence that put it there, strongest first (notes/models-contract.md).
"""
from __future__ import annotations

import json
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Set
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from graph.recommendations import Candidate, RecommendationRepository, ShopperHistory, ShopperState
from models import rules
from models.diversity import cap_setting, serving_cap
from models.fresh_feedback import FRESH_LIMIT, FRESH_SOURCES, fold, foldable, fresh_seeds
from models.serving_artefacts import ArtefactWatch
from models.serving_blend import (CandidatePool, ProductVectors, Seeds, add_source_rows, add_vector_scores, blend,
                                  choose_seeds, newest_seeds, rescale_like_training, taken_products, taste_vector)
from models.serving_cache import SharedValue, ShopperCache
from models.serving_features import feature_matrix

STRATEGIES = ("popular", "trending", "content", "collaborative", "mf", "embedding", "hybrid", "multi")
GENERATORS = ("popular", "trending", "content", "collaborative", "mf", "embedding")
MAX_K = 100
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

#: Blend weights while no trained version says otherwise (metadata.json "hybrid" "weights").
DEFAULT_WEIGHTS = {"collaborative": 0.35, "content": 0.25, "mf": 0.1, "embedding": 0.1, "trending": 0.15,
                   "popular": 0.05}
#: Shoppers with fewer products than the cold-start threshold lean on content and what is selling now.
LITTLE_HISTORY_WEIGHTS = {"content": 0.5, "collaborative": 0.2, "trending": 0.2, "popular": 0.1}
#: Shoppers who only browsed (or did nothing yet): trending plus the categories of what they looked at.
NO_HISTORY_WEIGHTS = {"trending": 0.6, "content": 0.4}
DEFAULT_COLD_START_THRESHOLD = 3
#: The least share of a trained blend that the graph-walking generators keep. Tuning may find the trained
#: vectors enough offline, but only these walks see what a shopper did a minute ago; without a floor,
#: feedback would wait for the next training.
LIVE_FLOOR = {"collaborative": 0.15, "content": 0.1}

#: The candidate sources each generator reads in Cypher (mf, trending and popular need none per shopper).
GENERATOR_SOURCES = {
    "content": ("similar_products", "same_category_brand_tag"),
    "collaborative": ("bought_with", "bought_in_same_baskets", "shoppers_like_you"),
    "embedding": ("embedding_neighbours",),
}
STRATEGY_GENERATORS = {**{g: (g,) for g in GENERATORS}, "hybrid": GENERATORS, "multi": GENERATORS}


@dataclass
class Recommendation:
    product_id: str
    score: float
    because: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class UnknownStrategy(ValueError):
    pass


class UnknownShopper(LookupError):
    pass


@dataclass(frozen=True)
class Limits:
    """How far each traversal reaches: the bounds that keep a long history as cheap as a short one."""

    history: int = 100             # latest interactions read per shopper (seeds come from these)
    seeds: int = 15                # products a shopper's candidates start from
    live_seeds: int = 5            # the newest of those: followed through the latest baskets and buyers
    per_seed: int = 10             # neighbours kept per seed and source
    groups: int = 5                # categories, brands and tags of the seeds followed
    per_source: int = 50           # candidates kept per source
    baskets_per_seed: int = 10     # latest orders read per live seed
    max_basket: int = 100          # orders with more lines (wholesale) say little about taste
    buyers_per_seed: int = 25      # latest shoppers read per live seed for "shoppers like you"
    neighbours: int = 10           # shoppers like you kept
    products_per_neighbour: int = 20
    vector_candidates: int = 100   # mf candidates
    global_list: int = 1000        # trending / popular products kept in memory (the multi ranker ranks them)
    reasons: int = 3               # `because` entries per item


class RecommendationService:
    """One per process; thread-safe. ``graph`` is a ``graph.db.Graph``.

    ``artefacts_dir`` is the artefact store's root (default ``$SHOPGRAPH_ARTIFACTS`` or ``<repo>/artifacts``);
    ``merchandiser_rules`` is the hook of ``models.rules.MerchandiserRules``.
    """

    def __init__(self, graph, artefacts_dir=None, merchandiser_rules: rules.MerchandiserRules | None = None,
                 limits: Limits | None = None, cache_ttl: float = 300.0, cache_size: int = 4096,
                 shared_ttl: float = 60.0, version_check_seconds: float = 30.0,
                 stored_max_age: float = STORED_MAX_AGE) -> None:
        self.graph = graph
        self.repository = RecommendationRepository(graph)
        self.limits = limits or Limits()
        self.stored_max_age = stored_max_age
        self.merchandiser_rules = merchandiser_rules or rules.NoMerchandiserRules()
        #: The shop's diversity setting, read once so that a bad value stops the process at start, not a request.
        self.diversity = cap_setting()
        self.artefacts = ArtefactWatch(artefacts_dir, check_seconds=version_check_seconds)
        self._cache = ShopperCache(cache_size, cache_ttl)
        self._trending = SharedValue(lambda: self.repository.trending(self.limits.global_list), shared_ttl)
        self._popular = SharedValue(lambda: self.repository.popular(self.limits.global_list), shared_ttl)
        self._latest_activity = SharedValue(lambda: [self.repository.latest_activity()], shared_ttl)
        self._categories = SharedValue(self.repository.product_categories, 10 * shared_ttl)
        self._vectors = SharedValue(self._load_vectors, version_check_seconds)
        self._loaded_vectors: ProductVectors | None = None
        self.served: Counter[str] = Counter()
        self._served_lock = threading.Lock()

    # -- the public interface ------------------------------------------------------------------
    def recommend(self, user_id: str | None, k: int = 10, strategy: str = DEFAULT_STRATEGY) -> list[Recommendation]:
        """Top-k products for a shopper (None: a visitor), without what they just bought or disliked.

        An id the graph does not know is answered like a visitor. Raises ``UnknownStrategy`` for a strategy
        not in ``STRATEGIES`` and ``ValueError`` for k outside 1..100.
        """
        if user_id is None:
            _check(k, strategy)
        else:
            try:
                return self.recommend_for(user_id, k, strategy)  # checks k and strategy first
            except UnknownShopper:
                pass
        return self._for_visitor(k, strategy)

    def recommend_for(self, user_id: str, k: int = 10, strategy: str = DEFAULT_STRATEGY) -> list[Recommendation]:
        """Like ``recommend`` for a known shopper; raises ``UnknownShopper`` for an id the graph does not know.

        The first read is the shopper's state (cypher/shopper_state.cypher). While their activity matches a
        cached list, or the list stored for them ahead of time still holds, that read is the only one; otherwise
        the list is built live from their history and every candidate source.
        """
        _check(k, strategy)
        rules_version = getattr(self.merchandiser_rules, "version", None)
        state = self.repository.state(user_id, sorted(self._watched_products()), fresh_limit=FRESH_LIMIT + 1)
        if state is None:
            raise UnknownShopper(user_id)
        # The rules' version is part of the key, so a rule changed in another worker reaches cached lists too.
        key = (state.user_id, strategy, k, rules_version)
        cached = self._cache.get(key, state.activity)
        if cached is not None:
            self._served("cached")
            return list(cached)
        ranked = self._stored_ranking(state, strategy, k)
        if ranked is not None:
            items = self._finish_for_shopper(state.user_id, ranked, set(state.leave_out | state.excluded), k)
        else:
            history = self.repository.history(user_id, self.limits.history)
            if history is None:
                raise UnknownShopper(user_id)
            ranked, excluded = self._rank_for_shopper(history, strategy, k)
            items = self._finish_for_shopper(history.user_id, ranked, excluded, k)
            self._served("live")
        self._cache.put(key, state.activity, items)
        return items

    def list_to_store(self, user_id: str) -> dict[str, Any] | None:
        """The row cypher/store_recommendations.cypher stores for a shopper (None for an unknown one): their
        ``STORED_STRATEGY`` ranking before merchandiser rules, ``STORED_SIZE`` long, made for their activity now.

        The state is read before the history, so an event landing in between leaves the stored list marked
        with the older activity, and serving will not use it.
        """
        state = self.repository.state(user_id)
        history = self.repository.history(user_id, self.limits.history) if state is not None else None
        if history is None:
            return None
        ranked, _ = self._rank_for_shopper(history, STORED_STRATEGY, STORED_SIZE)
        ranked = ranked[:STORED_SIZE]
        return {"userId": state.user_id, "ids": [item.product_id for item in ranked],
                "scores": [round(float(item.score), 6) for item in ranked],
                "because": [json.dumps(item.because, separators=(",", ":")) for item in ranked],
                "activity": state.activity, "version": self._model_version() or ""}

    def similar_products(self, product_id: str, k: int = 10) -> list[Recommendation]:
        """Products like this one (content), each with its reason."""
        rows = self.repository.similar_products(product_id, k)
        return _merge_rows(rows, k)

    def bought_together(self, product_id: str, k: int = 10) -> list[Recommendation]:
        """Products bought in the same baskets as this one, each with its reason."""
        rows = [row for row in self.repository.bought_together(product_id, k) if row.product_id != product_id]
        trained = _merge_rows([row for row in rows if row.source == "bought_with"], k)
        # The latest baskets top the trained neighbours up (a product newer than the last training has only
        # those), ranked after them.
        floor = min((item.score for item in trained), default=1.0)
        live = [item for item in _merge_rows([row for row in rows if row.source != "bought_with"], k)
                if item.product_id not in {t.product_id for t in trained}]
        top = max((item.score for item in live), default=1.0) or 1.0
        for item in live:
            item.score = round(0.5 * floor * item.score / top, 6)
        return (trained + live)[:k]

    def forget(self, user_id: str) -> None:
        """Drop anything cached for this shopper; called after every feedback event."""
        self._cache.forget(user_id)

    def warm_up(self) -> None:
        """Load the shared lists and vectors now rather than on the first request."""
        self._trending.get()
        self._popular.get()
        self._categories.get()
        self._vectors.get()
        self.artefacts.current()

    def refresh(self) -> None:
        """Forget every cached list and shared value (after training publishes a new version)."""
        self._cache.clear()
        for shared in (self._trending, self._popular, self._latest_activity, self._categories, self._vectors):
            shared.reset()

    # -- visitors -----------------------------------------------------------------------------
    def _for_visitor(self, k: int, strategy: str) -> list[Recommendation]:
        rows = (self._popular.get() if strategy == "popular" else self._selling_now())[:self.limits.per_source]
        best = max((row.score for row in rows), default=1.0) or 1.0
        items = [rules.Ranked(row.product_id, row.score / best, [row.reason], self._category(row.product_id))
                 for row in rows]
        items = self.merchandiser_rules.apply(None, items, set())
        return _finish(self._diversify(items), k)

    # -- shoppers -----------------------------------------------------------------------------
    def _rank_for_shopper(self, history: ShopperHistory, strategy: str,
                          k: int) -> tuple[list[rules.Ranked], set[str]]:
        """The shopper's candidates ranked by the strategy, without their exclusions, topped up with trending
        products to at least ``k``; and those exclusions (which merchandiser rules must respect too)."""
        seeds, seeds_from_views = choose_seeds(history, self.limits.seeds)
        pool = self._generate(history, seeds, STRATEGY_GENERATORS[strategy])
        if strategy in ("hybrid", "multi"):
            weights = self._weights(history, seeds_from_views)
            ranked = None
            if strategy == "multi":
                ranked = self._rank_multi(history, seeds, pool, weights)
            if ranked is None:
                ranked = blend(pool, weights, self.limits.reasons)
        else:
            ranked = blend(pool, {STRATEGY_GENERATORS[strategy][0]: 1.0}, self.limits.reasons)
        for item in ranked:
            item.category = self._category(item.product_id)
        excluded = rules.excluded_products(history)
        ranked = rules.leave_out(ranked, excluded)
        if len(ranked) < k:
            ranked += self._backfill(ranked, excluded)[:k]
        return ranked, excluded

    def _finish_for_shopper(self, user_id: str, ranked: list[rules.Ranked], excluded: set[str],
                            k: int) -> list[Recommendation]:
        ranked = self.merchandiser_rules.apply(user_id, ranked, excluded)
        return _finish(self._diversify(ranked), k)

    def _diversify(self, items: list[rules.Ranked]) -> list[rules.Ranked]:
        """The items under the shop's diversity cap (``models.diversity``: the setting, or training's choice)."""
        cap = serving_cap(self.diversity, self.artefacts.current())
        return rules.diversify(items, cap=cap) if cap else items

    def _stored_ranking(self, state: ShopperState, strategy: str, k: int) -> list[rules.Ranked] | None:
        """The shopper's stored list as a ranking while it holds -- the default strategy, made with the model
        version now published, at most ``stored_max_age`` old, long enough -- and they did nothing since it was
        made; with what they did since folded in, when that can be folded (``models.fresh_feedback``); else None."""
        stored = state.stored
        if (strategy != STORED_STRATEGY or stored is None
                or (stored.version or None) != self._model_version() or len(stored.product_ids) < k
                or stored.made_at is None or time.time() - stored.made_at > self.stored_max_age):
            return None
        if stored.made_for != state.activity and not foldable(state.fresh):
            return None
        ranked = [rules.Ranked(pid, score, json.loads(because), self._category(pid))
                  for pid, score, because in zip(stored.product_ids, stored.scores, stored.because)]
        if stored.made_for == state.activity:
            self._served("stored")
            return ranked
        self._served("folded")
        return self._fold(state, ranked)

    def _fold(self, state: ShopperState, stored: list[rules.Ranked]) -> list[rules.Ranked]:
        """The stored ranking with what the shopper did since folded in: one walk from the fresh products."""
        limits = self.limits
        seeds = fresh_seeds(state.fresh)
        rows = [] if not seeds else self.repository.candidates(
            FRESH_SOURCES, seeds=seeds, liveSeeds=seeds[:limits.live_seeds], perSeed=limits.per_seed,
            limit=limits.per_source, basketsPerSeed=limits.baskets_per_seed, maxBasket=limits.max_basket)
        pool = CandidatePool()
        add_source_rows(pool, rows)
        ranked = fold(stored, pool, state.excluded, limits.reasons)
        for item in ranked:
            if item.category is None:
                item.category = self._category(item.product_id)
        if len(ranked) < len(stored):
            ranked += self._backfill(ranked, set(state.excluded))
        return ranked

    def _served(self, path: str) -> None:
        """Counts the lists served by each path (stored, folded, cached, live): what the bench and /metrics show."""
        with self._served_lock:
            self.served[path] += 1

    def _watched_products(self) -> Set[str]:
        """Products merchandiser rules may add to a list that its ranking did not propose (pins)."""
        watched = getattr(self.merchandiser_rules, "addable_products", None)
        return watched() if watched is not None else frozenset()

    def _model_version(self) -> str | None:
        return self._vectors.get().version

    def _weights(self, history: ShopperHistory, seeds_from_views: bool) -> dict[str, float]:
        """The trained blend (metadata.json "hybrid"), its cold-start weights for a short history, and
        trending plus browsed categories for a shopper who has only looked around."""
        hybrid = (self.artefacts.current() or {}).get("hybrid") or {}
        if seeds_from_views or not history.interactions:
            return NO_HISTORY_WEIGHTS
        threshold = hybrid.get("cold_start_threshold", DEFAULT_COLD_START_THRESHOLD)
        if history.taken_products < threshold:
            return _with_live_floor(_usable(hybrid.get("cold_weights")) or LITTLE_HISTORY_WEIGHTS)
        return _with_live_floor(_usable(hybrid.get("weights")) or DEFAULT_WEIGHTS)

    def _generate(self, history: ShopperHistory, seeds: Seeds, generators: tuple[str, ...]) -> CandidatePool:
        """Every candidate of the given generators, normalised per generator, with evidence."""
        limits = self.limits
        pool = CandidatePool()
        vectors = self._vectors.get() if {"mf", "embedding"} & set(generators) else None
        sources = [s for g in generators for s in GENERATOR_SOURCES.get(g, ())]
        params: dict[str, Any] = {}
        taste = None
        if "embedding_neighbours" in sources:
            taste = taste_vector(history.embedding, seeds, vectors, "embedding")
            if taste is None:
                sources.remove("embedding_neighbours")
            else:
                params["vector"] = taste.astype(float).tolist()
        if not seeds:
            sources = [s for s in sources if s == "embedding_neighbours"]
        rows: list[Candidate] = []
        if sources:
            rows = self.repository.candidates(
                sources, userId=history.user_id, seeds=seeds,
                liveSeeds=newest_seeds(history, seeds, limits.live_seeds), perSeed=limits.per_seed,
                groups=limits.groups, limit=limits.per_source, basketsPerSeed=limits.baskets_per_seed,
                maxBasket=limits.max_basket, buyersPerSeed=limits.buyers_per_seed, neighbours=limits.neighbours,
                productsPerNeighbour=limits.products_per_neighbour, **params)
        if "trending" in generators:
            rows += self._trending.get()[:limits.per_source]
        if "popular" in generators:
            rows += self._popular.get()[:limits.per_source]
        add_source_rows(pool, rows)
        taken = taken_products(history)
        if "embedding" in pool.scores and taste is not None:
            rescale_like_training(pool, "embedding", taste, vectors, taken)
        if "mf" in generators:
            add_vector_scores(pool, "mf", taste_vector(history.mf, seeds, vectors, "mf"), vectors,
                              limits.vector_candidates, taken)
        return pool

    def _backfill(self, ranked: list[rules.Ranked], excluded: set[str]) -> list[rules.Ranked]:
        """Trending products for a list that came out short, scored below every item already in it."""
        present = {item.product_id for item in ranked}
        floor = min((item.score for item in ranked), default=1.0)
        rows = [row for row in self._selling_now() if row.product_id not in present | excluded]
        top = max((row.score for row in rows), default=1.0) or 1.0
        return [rules.Ranked(row.product_id, 0.5 * floor * row.score / top, [row.reason],
                             self._category(row.product_id)) for row in rows]

    def _selling_now(self) -> list[Candidate]:
        """Trending products; popular (or top rated) ones in a shop where nothing sold lately, such as a new one."""
        return self._trending.get() or self._popular.get()

    def _category(self, product_id: str) -> str | None:
        """The product's leaf category (what diversity counts); None for one loaded since the last look."""
        return self._categories.get().get(product_id, (None, None))[0]

    def _rank_multi(self, history: ShopperHistory, seeds: Seeds, pool: CandidatePool,
                    weights: dict[str, float]) -> list[rules.Ranked] | None:
        """The multi ranker's order over every candidate, or None when no ranker is trained."""
        ranker = self.artefacts.ranker()
        if ranker is None or not pool.products:
            return None
        product_ids = list(pool.products)
        facts = self.repository.candidate_facts(product_ids)
        vectors = self._vectors.get()
        features = feature_matrix(
            list(ranker.features), product_ids, pool.scores, facts, history, self._categories.get(),
            trending=self._trending.get(), popular=self._popular.get(),
            user_embedding=taste_vector(history.embedding, seeds, vectors, "embedding"),
            user_mf=taste_vector(history.mf, seeds, vectors, "mf"), vectors=vectors,
            now=self._latest_activity.get()[0])
        scores = np.asarray(ranker.score(features), dtype=np.float64)
        everything = dict.fromkeys(GENERATORS, 1.0)
        return [rules.Ranked(product_ids[i], float(scores[i]),
                             pool.because(product_ids[i], weights, self.limits.reasons)
                             or pool.because(product_ids[i], everything, self.limits.reasons))
                for i in np.argsort(-scores, kind="stable")]

    def _load_vectors(self) -> ProductVectors:
        """The product vectors of the version in the graph, reloaded only when a new one is published."""
        published = self.repository.published_model()
        version = published["version"] if published else None
        current = self._loaded_vectors
        if current is not None and current.version == version:
            return current
        self._loaded_vectors = ProductVectors(self.repository.product_vectors(), version)
        if current is not None:
            self._cache.clear()
        return self._loaded_vectors


def _check(k: int, strategy: str) -> None:
    if strategy not in STRATEGIES:
        raise UnknownStrategy(strategy)
    if not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise ValueError(f"k must be a whole number from 1 to {MAX_K}")


def _usable(weights: dict[str, Any] | None) -> dict[str, float] | None:
    """Trained weights over known generators, or None when there are none worth using."""
    chosen = {g: float(w) for g, w in (weights or {}).items() if g in GENERATORS}
    return chosen if any(w > 0 for w in chosen.values()) else None


def _with_live_floor(weights: dict[str, float]) -> dict[str, float]:
    """The weights with each ``LIVE_FLOOR`` generator raised to at least its share of the total."""
    total = sum(weights.values())
    return {**weights, **{g: max(weights.get(g, 0.0), share * total) for g, share in LIVE_FLOOR.items()}}


def _merge_rows(rows: list[Candidate], k: int) -> list[Recommendation]:
    """Rows of one product page row (similar / bought together), summed per product, best first."""
    scores: dict[str, float] = defaultdict(float)
    because: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        scores[row.product_id] = max(scores[row.product_id], row.score)
        if row.reason not in because[row.product_id]:
            because[row.product_id].append(row.reason)
    ordered = sorted(scores, key=lambda pid: (-scores[pid], pid))[:k]
    return [Recommendation(pid, round(scores[pid], 6), because[pid]) for pid in ordered]


def _finish(items: list[rules.Ranked], k: int) -> list[Recommendation]:
    return [Recommendation(item.product_id, round(float(item.score), 6), item.because or [{"kind": "popular"}])
            for item in items[:k]]
