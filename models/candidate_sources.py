"""Where a shopper's candidates come from, and the shop-wide values every shopper shares.

- the graph's candidate walks (``graph.recommendations``): every source a strategy reads, in one round trip,
  from the shopper's seeds -- their published neighbours, the latest baskets, shoppers like them;
- the stored product vectors, scored in numpy (``mf``; ``embedding`` through the graph's vector index);
- trending and popular, read once a minute and shared by every shopper;
- strategy files (``models.strategy_files``): a recommender written in Cypher; those that say ``Candidate source:
  yes`` also join hybrid's and multi's candidates, each as the generator ``file_<strategy>``.

The shared values (trending, popular, the shop's latest activity, product categories and vectors) are
``SharedValue`` caches: one thread reloads while the others keep the old value.
"""
from __future__ import annotations

from collections.abc import Callable, Set
from dataclasses import dataclass
from typing import Any

from shopgraph.graph.recommendations import Candidate, RecommendationRepository, ShopperHistory
from shopgraph.models.rules import Ranked, excluded_products
from shopgraph.models.serving_blend import (
    CandidatePool,
    ProductVectors,
    Seeds,
    add_file_rows,
    add_source_rows,
    add_vector_scores,
    newest_seeds,
    rescale_like_training,
    taken_products,
    taste_vector,
)
from shopgraph.models.serving_cache import SharedValue
from shopgraph.models.strategy_files import TAKE_CANDIDATE_SOURCES, StrategyLibrary, UnknownStrategyFile
from shopgraph.models.vocabulary import GENERATORS, file_generator

#: The candidate sources each generator reads in Cypher (mf, trending and popular need none per shopper).
GENERATOR_SOURCES = {
    "content": ("similar_products", "same_category_brand_tag"),
    "collaborative": ("bought_with", "bought_in_same_baskets", "shoppers_like_you"),
    "item_regression": ("item_regression",),
    "embedding": ("embedding_neighbours",),
}
#: Stands among a strategy's generators for every candidate-source file (``Candidate source: yes``).
CANDIDATE_FILES = "candidate_files"
STRATEGY_GENERATORS = {**{g: (g,) for g in GENERATORS},
                       **{strategy: (*GENERATORS, CANDIDATE_FILES) for strategy in TAKE_CANDIDATE_SOURCES}}


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
    per_generator: int = 100       # mf, embedding, trending and popular candidates the shopper has not taken (as
                                   # the multi ranker is trained: models.multi "per_generator")
    taken: int = 300               # latest products the item_regression walk starts from (as trained)
    predicted: int = 100           # item_regression candidates
    global_list: int = 1000        # trending / popular products kept in memory (the multi ranker ranks them)
    reasons: int = 3               # `because` entries per item


class CandidateSources:
    """One per recommendation service. ``on_new_version`` is called when the graph publishes new vectors
    (lists cached under the old ones are then stale)."""

    def __init__(self, graph, repository: RecommendationRepository, limits: Limits, strategy_files: StrategyLibrary,
                 shared_ttl: float, version_check_seconds: float, on_new_version: Callable[[], None]) -> None:
        self.graph = graph
        self.repository = repository
        self.limits = limits
        self.strategy_files = strategy_files
        self.on_new_version = on_new_version
        self.trending = SharedValue(lambda: repository.trending(limits.global_list), shared_ttl)
        self.popular = SharedValue(lambda: repository.popular(limits.global_list), shared_ttl)
        self.latest_activity = SharedValue(lambda: [repository.latest_activity()], shared_ttl)
        self.categories = SharedValue(repository.product_categories, 10 * shared_ttl)
        self.vectors = SharedValue(self._load_vectors, version_check_seconds)
        self._loaded_vectors: ProductVectors | None = None

    def warm_up(self) -> None:
        for shared in self._shared():
            shared.get()

    def refresh(self) -> None:
        for shared in self._shared():
            shared.reset()

    def model_version(self) -> str | None:
        return self.vectors.get().version

    def category(self, product_id: str) -> str | None:
        """The product's leaf category (what diversity counts); None for one loaded since the last look."""
        return self.categories.get().get(product_id, (None, None))[0]

    def selling_now(self) -> list[Candidate]:
        """Trending products; popular (or top rated) ones in a shop where nothing sold lately, such as a new one."""
        return self.trending.get() or self.popular.get()

    # -- a shopper's candidates -------------------------------------------------------------------
    def generate(self, history: ShopperHistory, seeds: Seeds, generators: tuple[str, ...]) -> CandidatePool:
        """Every candidate of the given generators, normalised per generator, with evidence."""
        limits = self.limits
        pool = CandidatePool()
        vectors = self.vectors.get() if {"mf", "embedding"} & set(generators) else None
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
                productsPerNeighbour=limits.products_per_neighbour, takenLimit=limits.taken,
                predicted=limits.predicted, nearest=limits.per_generator, **params)
        # mf, embedding, trending and popular propose the best products the shopper may still be shown, as many
        # as training proposed, however many of the best ones the shopper took already.
        excluded = excluded_products(history)
        rows = [row for row in rows if row.source != "embedding_neighbours"] + _open(
            [row for row in rows if row.source == "embedding_neighbours"], excluded, limits.per_generator)
        for shop_wide in ("trending", "popular"):
            if shop_wide in generators:
                rows += _open(getattr(self, shop_wide).get(), excluded, limits.per_generator)
        add_source_rows(pool, rows)
        taken = taken_products(history)
        if "embedding" in pool.scores and taste is not None:
            rescale_like_training(pool, "embedding", taste, vectors, taken)
        if "mf" in generators:
            add_vector_scores(pool, "mf", taste_vector(history.mf, seeds, vectors, "mf"), vectors,
                              limits.per_generator, taken, excluded)
        if CANDIDATE_FILES in generators and seeds:
            self.add_candidate_files(pool, history.user_id, seeds)
        return pool

    def add_candidate_files(self, pool: CandidatePool, user_id: str, seeds: Seeds) -> None:
        """Each candidate-source file's rows for the shopper, one read each, as the generator ``file_<name>``. A
        file that fails or times out gives no rows (the library logs and counts it); one deleted since it was
        listed (development mode) is passed over."""
        for name in self.strategy_files.candidate_sources():
            try:
                rows = self.strategy_files.candidates(self.graph, name, user_id=user_id, k=self.limits.per_source,
                                                      seeds=seeds, before=None)
            except UnknownStrategyFile:
                continue
            add_file_rows(pool, file_generator(name), rows)

    def from_file(self, user_id: str, seeds: Seeds, strategy: str) -> list[Candidate]:
        """A strategy file's rows for the shopper. The file is asked for ``per_source`` products, not k, so the
        shopper's exclusions still leave enough."""
        return self.strategy_files.candidates(self.graph, strategy, user_id=user_id, k=self.limits.per_source,
                                              seeds=seeds)

    def backfill(self, ranked: list[Ranked], excluded: Set[str]) -> list[Ranked]:
        """Trending products for a list that came out short, scored below every item already in it."""
        present = {item.product_id for item in ranked}
        floor = min((item.score for item in ranked), default=1.0)
        rows = [row for row in self.selling_now() if row.product_id not in present | excluded]
        top = max((row.score for row in rows), default=1.0) or 1.0
        return [Ranked(row.product_id, 0.5 * floor * row.score / top, [row.reason], self.category(row.product_id))
                for row in rows]

    # -- internals ----------------------------------------------------------------------------
    def _shared(self) -> tuple[SharedValue, ...]:
        return (self.trending, self.popular, self.latest_activity, self.categories, self.vectors)

    def _load_vectors(self) -> ProductVectors:
        """The product vectors of the version in the graph, reloaded only when a new one is published."""
        published = self.repository.published_model()
        version = published["version"] if published else None
        current = self._loaded_vectors
        if current is not None and current.version == version:
            return current
        self._loaded_vectors = ProductVectors(self.repository.product_vectors(), version)
        if current is not None:
            self.on_new_version()
        return self._loaded_vectors


def _open(rows: list[Candidate], excluded: Set[str], limit: int) -> list[Candidate]:
    """The first ``limit`` rows whose products the shopper may be shown."""
    return [row for row in rows if row.product_id not in excluded][:limit]
