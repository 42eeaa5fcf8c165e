"""What the simulated clients ask the shop for, drawn from the data the bench loaded.

- ``recommendations``: ``GET /api/v1/recommendations?user_id=..&k=10&strategy=<the default>`` for many
  different shoppers (everyone with history, shuffled), with a merchandiser token;
- ``health``: ``GET /api/v1/health``, the yardstick: the same server's cheapest Neo4j round trip;
- ``product_page``: ``GET /products/<id>`` for products of the catalogue;
- ``search_page``: ``GET /search?q=`` for words that occur in product names;
- ``live``: a shopper who acts, then reads: ``POST /api/v1/events`` (a like of a product from the catalogue, for
  that shopper, with the token), then their recommendations as above. The shoppers who act are a fifth of all,
  set apart from those the ``recommendations`` workload asks for, so the stored-path figures stay the stored path;
- ``stored_pair``: the yardstick of ``live``: the same likes, each followed by the list of a shopper who did not
  act (the ``recommendations`` workload's shoppers, walked on from where it stands), so that its list is served as
  the stored-path phases serve it: stored ahead, or cached. What a live pair costs beyond it is what building the
  list after the event costs.
"""
from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote, quote_plus

from shopgraph.bench.growth import clone_id
from shopgraph.loaders.tables import Tables
from shopgraph.models.serving import DEFAULT_STRATEGY

ENDPOINTS = ("health", "recommendations", "product_page", "search_page")
#: The share of shoppers set apart to act in the live and mixed phases.
ACTING_SHARE = 0.2

#: Paths per endpoint; a phase walks them in order, so this bounds nothing but the spec's size.
MAX_PATHS = 50_000

_WORD = re.compile(r"[a-z]{4,}")


@dataclass(frozen=True)
class Workload:
    endpoint: str
    paths: list[str]
    headers: dict[str, str] = field(default_factory=dict)
    weight: float = 1.0
    #: For a shopper who acts before each read: the event's path and one body per path (``bench.loadgen``).
    act: dict | None = None

    def target(self, offset: int = 0) -> dict:
        """The load generator's view of it; ``offset`` is where to start walking the paths."""
        target = {"endpoint": self.endpoint, "paths": self.paths, "headers": self.headers, "weight": self.weight,
                  "offset": offset}
        return {**target, "act": self.act} if self.act else target

    def weighted(self, weight: float) -> Workload:
        return Workload(self.endpoint, self.paths, self.headers, weight, self.act)


def shoppers(tables: Tables, scale: int = 1) -> list[str]:
    """Every shopper with at least one interaction, and their clones when the graph holds ``scale`` copies."""
    originals = sorted(tables.events["user_id"].dropna().astype(str).unique())
    return originals + [clone_id(user, copy) for copy in range(1, scale) for user in originals]


def search_terms(tables: Tables, limit: int = 300) -> list[str]:
    """The most frequent words of product names: what shoppers would plausibly type."""
    words: Counter[str] = Counter()
    for name in tables.products["name"].dropna().astype(str):
        words.update(set(_WORD.findall(name.lower())))
    return [word for word, _ in words.most_common(limit)]


def _shuffled(values: list[str], seed: int) -> list[str]:
    values = list(values)
    random.Random(seed).shuffle(values)
    return values[:MAX_PATHS]


def asked_shoppers(tables: Tables, seed: int = 42) -> list[str]:
    """The shoppers the recommendations workload asks for, in its order (those who act are set apart)."""
    everyone = _shuffled(shoppers(tables), seed)
    return everyone[:len(everyone) - acting_count(everyone)]


def acting_shoppers(tables: Tables, seed: int = 42) -> list[str]:
    """The shoppers of the live and mixed phases, who act before they read, in their order."""
    everyone = _shuffled(shoppers(tables), seed)
    return everyone[len(everyone) - acting_count(everyone):]


def acting_count(everyone: list[str]) -> int:
    return max(1, int(len(everyone) * ACTING_SHARE)) if len(everyone) > 1 else 0


def recommendations_path(user: str) -> str:
    return f"/api/v1/recommendations?user_id={quote_plus(user)}&k=10&strategy={DEFAULT_STRATEGY}"


def build(tables: Tables, token: str, seed: int = 42) -> dict[str, Workload]:
    """One workload per endpoint in ``ENDPOINTS``.

    Recommendations are asked for the original shoppers at every data scale: the clones make the
    graph bigger, while the shoppers asked about (and the order they come in) stay the same, so
    the figures of two scales differ by the data alone.
    """
    bearer = {"Authorization": f"Bearer {token}"}
    people = asked_shoppers(tables, seed)
    actors = acting_shoppers(tables, seed)
    products = _shuffled(tables.products["id"].astype(str).tolist(), seed)
    liked = [products[n % len(products)] for n in range(len(actors))]
    terms = _shuffled(search_terms(tables), seed)
    likes = [{"user_id": user, "product_id": product, "type": "like"}
             for user, product in zip(actors, liked, strict=True)]
    asked = [recommendations_path(user) for user in people]
    return {
        "health": Workload("health", ["/api/v1/health"]),
        "recommendations": Workload(
            "recommendations",
            asked,
            bearer,
        ),
        "live": Workload(
            "live",
            [recommendations_path(user) for user in actors],
            bearer,
            act={"path": "/api/v1/events", "bodies": likes},
        ),
        # The recommendations walk's endpoint, so its reads go on from where the stored-path rows stopped.
        "stored_pair": Workload(
            "recommendations",
            asked,
            bearer,
            act={"path": "/api/v1/events", "bodies": [likes[n % len(likes)] for n in range(len(asked))]} if likes
            else None,
        ),
        "product_page": Workload("product_page", [f"/products/{quote(product, safe='')}" for product in products]),
        "search_page": Workload("search_page", [f"/search?q={quote_plus(term)}" for term in terms]),
    }
