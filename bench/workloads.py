"""What the simulated clients ask the shop for, drawn from the data the bench loaded.

- ``recommendations``: ``GET /api/v1/recommendations?user_id=..&k=10&strategy=<the default>`` for many
  different shoppers (everyone with history, shuffled), with a merchandiser token;
- ``health``: ``GET /api/v1/health``, the yardstick: the same server's cheapest Neo4j round trip;
- ``product_page``: ``GET /products/<id>`` for products of the catalogue;
- ``search_page``: ``GET /search?q=`` for words that occur in product names.
"""
from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote, quote_plus

from bench.growth import clone_id
from loaders.tables import Tables
from models.serving import DEFAULT_STRATEGY

ENDPOINTS = ("health", "recommendations", "product_page", "search_page")

#: Paths per endpoint; a phase walks them in order, so this bounds nothing but the spec's size.
MAX_PATHS = 50_000

_WORD = re.compile(r"[a-z]{4,}")


@dataclass(frozen=True)
class Workload:
    endpoint: str
    paths: list[str]
    headers: dict[str, str] = field(default_factory=dict)
    weight: float = 1.0

    def target(self, offset: int = 0) -> dict:
        """The load generator's view of it; ``offset`` is where to start walking the paths."""
        return {"endpoint": self.endpoint, "paths": self.paths, "headers": self.headers, "weight": self.weight,
                "offset": offset}


def shoppers(tables: Tables, scale: int = 1) -> list[str]:
    """Every shopper with at least one interaction, and their clones when the graph holds ``scale`` copies."""
    originals = sorted(tables.events["user_id"].dropna().astype(str).unique())
    return originals + [clone_id(user, copy) for copy in range(1, scale) for user in originals]


def search_terms(tables: Tables, limit: int = 300) -> list[str]:
    """The most frequent words of product names: what shoppers would plausibly type."""
    words = Counter()
    for name in tables.products["name"].dropna().astype(str):
        words.update(set(_WORD.findall(name.lower())))
    return [word for word, _ in words.most_common(limit)]


def _shuffled(values: list[str], seed: int) -> list[str]:
    values = list(values)
    random.Random(seed).shuffle(values)
    return values[:MAX_PATHS]


def asked_shoppers(tables: Tables, seed: int = 42) -> list[str]:
    """The shoppers the recommendations workload asks for, in its order."""
    return _shuffled(shoppers(tables), seed)


def build(tables: Tables, token: str, seed: int = 42) -> dict[str, Workload]:
    """One workload per endpoint in ``ENDPOINTS``.

    Recommendations are asked for the original shoppers at every data scale: the clones make the
    graph bigger, while the shoppers asked about (and the order they come in) stay the same, so
    the figures of two scales differ by the data alone.
    """
    bearer = {"Authorization": f"Bearer {token}"}
    people = asked_shoppers(tables, seed)
    products = _shuffled(tables.products["id"].astype(str).tolist(), seed)
    terms = _shuffled(search_terms(tables), seed)
    return {
        "health": Workload("health", ["/api/v1/health"]),
        "recommendations": Workload(
            "recommendations",
            [f"/api/v1/recommendations?user_id={quote_plus(user)}&k=10&strategy={DEFAULT_STRATEGY}" for user in people],
            bearer,
        ),
        "product_page": Workload("product_page", [f"/products/{quote(product, safe='')}" for product in products]),
        "search_page": Workload("search_page", [f"/search?q={quote_plus(term)}" for term in terms]),
    }
