"""The recommendation repository: candidate products with their evidence, and a shopper's history, as plain data.

Every candidate source is a named query in ``cypher/`` with the same shape, so several of them can be read
in ONE round trip (``candidates``): they share the parameters ``seeds`` and ``liveSeeds`` (lists of
``{id, weight}``), ``perSeed``, ``limit`` and a few of their own, and return the columns
``source, productId, score, reason``. ``SOURCES`` says which generator each source feeds (the generator
names of ``models.vocabulary``). Traversals are bounded (top-N per step), so a shopper with a long
history costs about as much as one with a short one.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from shopgraph.graph import queries

#: Candidate source (a file in ``cypher/``) -> the generator it feeds.
SOURCES = {
    "bought_with": "collaborative",
    "bought_in_same_baskets": "collaborative",
    "shoppers_like_you": "collaborative",
    "item_regression": "item_regression",
    "similar_products": "content",
    "same_category_brand_tag": "content",
    "embedding_neighbours": "embedding",
    "trending": "trending",
    "popular": "popular",
}

#: Interaction types (relationship types) in a shopper's history.
PURCHASED, RATED, LIKED, DISLIKED, ADDED_TO_CART, VIEWED = (
    "PURCHASED", "RATED", "LIKED", "DISLIKED", "ADDED_TO_CART", "VIEWED")


class UnknownSource(ValueError):
    pass


@dataclass(frozen=True)
class Candidate:
    """One piece of evidence for a product: which source found it, how strongly, and why."""

    source: str
    product_id: str
    score: float
    reason: dict[str, Any]


@dataclass(frozen=True)
class Interaction:
    type: str
    product_id: str
    at: float | None = None          # epoch seconds
    count: int | None = None
    rating: float | None = None


@dataclass(frozen=True)
class ShopperHistory:
    """What the graph knows about a shopper right now: their latest ``interactions`` (newest first, bounded)
    and, over their whole history, what they disliked (or rated 1-2), bought in one order only, rated and
    have in their cart, how many products they bought repeatedly and how many they took at all."""

    user_id: str
    interactions: tuple[Interaction, ...] = ()
    disliked: frozenset[str] = frozenset()
    bought_once: frozenset[str] = frozenset()
    rated: frozenset[str] = frozenset()
    in_cart: frozenset[str] = frozenset()
    repeat_products: int = 0
    taken_products: int = 0
    embedding: tuple[float, ...] | None = None
    mf: tuple[float, ...] | None = None

    def of_type(self, *types: str) -> list[Interaction]:
        return [i for i in self.interactions if i.type in types]


@dataclass(frozen=True)
class StoredList:
    """A shopper's list made ahead of time: product ids best first, their scores and evidence (JSON strings),
    the activity fingerprint and model version it was made for, and when (epoch seconds)."""

    product_ids: tuple[str, ...]
    scores: tuple[float, ...]
    because: tuple[str, ...]
    made_for: str | None
    version: str | None
    made_at: float | None


@dataclass(frozen=True)
class ShopperState:
    """What serving reads first: the shopper's ``activity`` fingerprint (see cypher/shopper_state.cypher),
    their stored list if any, what they did since it was stored (``fresh``, newest first, only when the list was
    made for another activity) and which watched products they must not be shown.

    When what they did since can be folded into the stored list (``FoldWalk``), the same read brings all the fold
    needs: the ``candidates`` walked from the fresh products, which of the products the fold can show or must drop
    (the stored list, the fresh products, the candidates) they must not be shown (``excluded``), and the trending
    products a folded list may be topped up with (``backfill``: checked against the same rule)."""

    user_id: str
    activity: str
    stored: StoredList | None = None
    leave_out: frozenset[str] = frozenset()
    fresh: tuple[Interaction, ...] = ()
    excluded: frozenset[str] = frozenset()
    candidates: tuple[Candidate, ...] = ()
    backfill: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FoldWalk:
    """What the state read needs to prepare a fold (models/fresh_feedback.py), as cypher/shopper_state.cypher's
    parameters: at most ``limit`` fresh interactions are folded, their products seeded with ``seed_weights``
    (interaction type -> weight; ratings count by their value), walked like ``CandidateSources.generate`` walks
    seeds, and ``backfill`` (trending product ids, best first) checked for topping a folded list up."""

    limit: int
    seed_weights: Mapping[str, float]
    live_seeds: int
    per_seed: int
    per_source: int
    baskets_per_seed: int
    max_basket: int
    backfill: tuple[str, ...] = ()

    def parameters(self) -> dict[str, Any]:
        return {"foldLimit": self.limit, "seedWeights": dict(self.seed_weights), "liveSeedLimit": self.live_seeds,
                "perSeed": self.per_seed, "limit": self.per_source, "basketsPerSeed": self.baskets_per_seed,
                "maxBasket": self.max_basket, "backfill": list(self.backfill)}


#: No fold prepared: the state read stops at what the shopper did since their list was stored.
NO_FOLD = FoldWalk(limit=0, seed_weights={}, live_seeds=0, per_seed=0, per_source=0, baskets_per_seed=0,
                   max_basket=0)


@lru_cache(maxsize=64)
def _union(sources: tuple[str, ...]) -> str:
    """One statement reading several candidate sources (named files we own; never user input).

    The rows come back collected into a single record: one Bolt message instead of hundreds.
    """
    for source in sources:
        if source not in SOURCES:
            raise UnknownSource(source)
    branches = "\nUNION ALL\n".join(queries.query(source) for source in sources)
    return f"CALL () {{\n{branches}\n}}\nRETURN collect([source, productId, score, reason]) AS rows"


def _candidates(rows: list[list]) -> list[Candidate]:
    """``[source, productId, score, reason]`` rows as Candidates."""
    return [Candidate(source, product_id, float(score or 0.0), reason)
            for source, product_id, score, reason in rows if product_id is not None]


class RecommendationRepository:
    """Reads for the recommendation service, each one round trip to a reader (``Graph.read_rows``)."""

    def __init__(self, graph) -> None:
        self.graph = graph

    def _rows(self, statement: str, **params: Any) -> list[tuple]:
        """Rows as plain tuples, from one read round trip (``Graph.read_rows``): the hot path."""
        return self.graph.read_rows(statement, **params)

    def history(self, user_id: str, limit: int = 100) -> ShopperHistory | None:
        """The shopper's latest ``limit`` interactions and their exclusions; None for an unknown shopper."""
        rows = self._rows(queries.query("user_history"), userId=user_id, historyLimit=limit)
        if not rows:
            return None
        (user, embedding, mf, interactions, disliked, bought_once, rated, in_cart, repeat, taken) = rows[0]
        return ShopperHistory(
            user_id=user,
            interactions=tuple(Interaction(*values) for values in interactions),
            disliked=frozenset(disliked),
            bought_once=frozenset(bought_once),
            rated=frozenset(rated),
            in_cart=frozenset(in_cart),
            repeat_products=int(repeat or 0),
            taken_products=int(taken or 0),
            embedding=tuple(embedding) if embedding else None,
            mf=tuple(mf) if mf else None,
        )

    def state(self, user_id: str, watch: Sequence[str] = (), fresh_limit: int = 0,
              fold: FoldWalk = NO_FOLD) -> ShopperState | None:
        """The shopper's activity fingerprint, stored list, up to ``fresh_limit`` interactions since it was
        stored, which of ``watch`` to leave out and, when those can be folded into the stored list (``fold``),
        what the fold needs (see ``ShopperState``); None for an unknown shopper. One read: the whole of serving
        when a stored list still holds, or takes what the shopper did since."""
        rows = self._rows(queries.query("shopper_state"), userId=user_id, watch=list(watch), freshLimit=fresh_limit,
                          **fold.parameters())
        if not rows:
            return None
        (user, activity, ids, scores, because, made_for, version, made_at, fresh, excluded, leave_out,
         candidates, backfill) = rows[0]
        stored = None
        if ids is not None and scores is not None and because is not None and len(ids) == len(scores) == len(because):
            stored = StoredList(tuple(ids), tuple(float(s) for s in scores), tuple(because), made_for, version,
                                float(made_at) if made_at is not None else None)
        return ShopperState(user, activity, stored, frozenset(leave_out),
                            tuple(Interaction(*values) for values in fresh), frozenset(excluded),
                            tuple(_candidates(candidates)), frozenset(backfill))

    def store_lists(self, rows: list[dict[str, Any]]) -> int:
        """Writes stored lists (rows of cypher/store_recommendations.cypher) in one transaction."""
        return self.graph.write("store_recommendations", rows=rows)[0]["stored"] if rows else 0

    def candidates(self, sources: Sequence[str], **params: Any) -> list[Candidate]:
        """Rows of several candidate sources, read in one round trip (see the module docstring)."""
        if not sources:
            return []
        return _candidates(self._rows(_union(tuple(sources)), **params)[0][0])

    def popular(self, limit: int) -> list[Candidate]:
        return self.candidates(["popular"], limit=limit)

    def trending(self, limit: int, half_life_days: float = 14.0, recent_orders: int = 3000,
                 recent_events: int = 5000) -> list[Candidate]:
        return self.candidates(["trending"], limit=limit, halfLifeDays=float(half_life_days),
                               recentOrders=recent_orders, recentEvents=recent_events)

    def similar_products(self, product_id: str, k: int) -> list[Candidate]:
        """Trained SIMILAR_TO neighbours; shared category/brand/tags when there are none."""
        seeds = [{"id": product_id, "weight": 1.0}]
        rows = self.candidates(["similar_products"], seeds=seeds, perSeed=k, limit=k)
        if not rows:
            rows = self.candidates(["same_category_brand_tag"], seeds=seeds, groups=5, perSeed=k, limit=k)
        return [row for row in rows if row.product_id != product_id]

    def bought_together(self, product_id: str, k: int) -> list[Candidate]:
        """Trained BOUGHT_WITH neighbours, topped up from the latest baskets holding the product."""
        seeds = [{"id": product_id, "weight": 1.0}]
        return self.candidates(["bought_with", "bought_in_same_baskets"], seeds=seeds, liveSeeds=seeds,
                               perSeed=k, limit=k, basketsPerSeed=100, maxBasket=100)

    def in_category(self, category_id: str, product_ids: Sequence[str]) -> set[str]:
        """Which of ``product_ids`` are filed in the category or below it (one read for a whole list)."""
        if not product_ids:
            return set()
        rows = self._rows(queries.query("products_in_category"), categoryId=category_id,
                          productIds=list(dict.fromkeys(product_ids)))
        return {product_id for (product_id,) in rows}

    def category_popular(self, category_id: str, limit: int) -> list[str]:
        """The category's products (and those below it), most popular first, as the category page lists them."""
        rows = self.graph.read("category_products", categoryId=category_id, sort="popular", skip=0, limit=limit)
        return [row["product"]["id"] for row in rows]

    def product_categories(self) -> dict[str, tuple[str | None, str | None]]:
        """Every product's (leaf category id, top category name)."""
        return {row["productId"]: (row["categoryId"], row["topCategory"])
                for row in self.graph.read("product_categories")}

    def product_vectors(self) -> list[dict[str, Any]]:
        """Every product's ``mf`` and ``embedding`` lists (rows of ``productId, mf, embedding``)."""
        return self.graph.read("product_vectors")

    def latest_activity(self) -> float | None:
        """The time of the shop's latest order, rating, like, cart or view, in epoch seconds, or None."""
        latest = self.graph.read_value("latest_activity")
        return latest.to_native().timestamp() if latest is not None else None

    def published_model(self) -> dict[str, Any] | None:
        return self.graph.read_one("published_model")

    def candidate_facts(self, product_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Per product: price, interest and lastActivity (epoch seconds), what the multi ranker's product
        features are computed from."""
        facts = self._rows(queries.query("candidate_facts"), productIds=list(product_ids))[0][0]
        return {pid: {"price": price, "interest": interest, "lastActivity": last}
                for pid, price, interest, last in facts}

    def user_ids(self, page_size: int = 1000) -> Iterator[str]:
        """Every shopper id in id order, read a page at a time."""
        after = ""
        while True:
            page = [row["userId"] for row in self.graph.read("user_ids", after=after, limit=page_size)]
            yield from page
            if len(page) < page_size:
                return
            after = page[-1]
