"""The catalogue as the shop reads it: product pages, category trees and listings, and full-text search.

Every method returns plain Python data (dicts, lists, ``Page``). Orders are picked from ``SORTS`` and
reach Cypher as a parameter that a ``CASE`` expression reads; search text reaches Lucene only as
lower-cased, escaped words (``lucene_query``), so no shopper input is ever pasted into a statement.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import neo4j

from shopgraph.graph import queries
from shopgraph.graph.db import Graph
from shopgraph.graph.records import plain

#: The orders a listing can be shown in, and how the shop names them.
SORTS = {
    "popular": "Most popular",
    "price_asc": "Price: low to high",
    "price_desc": "Price: high to low",
    "rating": "Top rated",
}
DEFAULT_SORT = "popular"

#: Search looks at this many words of a query; longer queries are cut (and the page says so).
MAX_SEARCH_WORDS = 8
MAX_WORD_LENGTH = 40

_WORD = re.compile(r"\w+", re.UNICODE)
_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/&|])')
# Words too common to tell products apart; fuzzy matching them ("the~1") would match "tea" and "she".
_STOPWORDS = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their then there these "
    "they this to was will with".split()
)


@dataclass(frozen=True)
class Page:
    """One page of a listing: the items, where it starts and how many there are in all."""

    items: list[dict[str, Any]]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass(frozen=True)
class SearchResults(Page):
    """A page of search hits, with the words that were searched for (to highlight them)."""

    words: list[str] = field(default_factory=list)
    truncated: bool = False


def search_words(text: str) -> tuple[list[str], bool]:
    """The words of a shopper's query that search uses, and whether some were left out.

    Words are runs of letters and digits, lower-cased (so ``AND``/``OR``/``NOT`` are never operators);
    common words are dropped unless the query has nothing else.
    """
    words = [word.lower()[:MAX_WORD_LENGTH] for word in _WORD.findall(text or "")]
    words = list(dict.fromkeys(words))  # repeated words add nothing
    meaningful = [word for word in words if word not in _STOPWORDS]
    words = meaningful or words
    return words[:MAX_SEARCH_WORDS], len(words) > MAX_SEARCH_WORDS


def escape_lucene(word: str) -> str:
    return _LUCENE_SPECIAL.sub(r"\\\1", word)


def lucene_query(words: list[str], require_all: bool = True) -> str:
    """A Lucene query that ranks exact words first, then prefixes, then near misses (one or two typos)."""
    clauses = []
    for word in words:
        term = escape_lucene(word)
        options = [f"{term}^4"]
        if len(word) >= 3:
            options.append(f"{term}*^2")
        if len(word) >= 4:
            # Lucene's usual allowance: one edit for short words, two from six letters on.
            options.append(f"{term}~{1 if len(word) <= 5 else 2}")
        clauses.append("(" + " OR ".join(options) + ")")
    return (" AND " if require_all else " OR ").join(clauses)


class Catalog:
    """Read-only views of products and categories."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    # -- products ---------------------------------------------------------------------------
    def product(self, product_id: str) -> dict[str, Any] | None:
        """A product with ``categories`` (root first) and ``tags``; None when there is no such product."""
        row = self.graph.read_one("product_page", productId=product_id)
        if row is None:
            return None
        return {**row["product"], "categories": row["categories"], "tags": row["tags"]}

    def products(self, product_ids: list[str]) -> list[dict[str, Any]]:
        """Product cards in the order of ``product_ids``, leaving out ids that name no product."""
        if not product_ids:
            return []
        # Shelves ask for cards on every request their cache misses: one round trip, not a transaction's three.
        rows = self.graph.read_rows(queries.query("products_by_ids"), productIds=list(product_ids))
        return [product for (product,) in rows]

    def shelf_products(self, limit: int) -> list[str]:
        """Ids of the products shelves are most likely to show, the most ordered first."""
        return [product_id for (product_id,) in self.graph.read_rows(queries.query("shelf_products"), limit=limit)]

    def existing(self, product_ids: list[str]) -> set[str]:
        return {product["id"] for product in self.products(list(dict.fromkeys(product_ids)))}

    def same_category(self, product_id: str, limit: int = 8) -> list[dict[str, Any]]:
        """Other products filed in this product's category, most popular first, each with ``category``."""
        rows = self.graph.read("same_category_products", productId=product_id, limit=limit)
        return [{**row["product"], "category": row["category"]} for row in rows]

    def listing(self, sort: str = DEFAULT_SORT, page: int = 1, per_page: int = 24) -> Page:
        """A page of the whole catalogue."""
        sort = _checked_sort(sort)

        def work(tx: neo4j.ManagedTransaction) -> Page:
            total = tx.run(queries.query("count_products")).single(strict=True)["total"]
            rows = tx.run(queries.query("catalog_products"), sort=sort, skip=(page - 1) * per_page,
                          limit=per_page).data()
            return Page([row["product"] for row in rows], page, per_page, total)

        return self.graph.read_with(work)

    # -- categories -------------------------------------------------------------------------
    def category(self, category_id: str) -> dict[str, Any] | None:
        """A category with ``trail`` (root first, itself last) and ``children``; None when unknown."""
        row = self.graph.read_one("category_page", categoryId=category_id)
        if row is None:
            return None
        return {**row["category"], "trail": row["trail"], "children": row["children"]}

    def category_products(self, category_id: str, sort: str = DEFAULT_SORT, page: int = 1,
                          per_page: int = 24) -> Page:
        """A page of the products in a category and in every category below it."""
        sort = _checked_sort(sort)

        def work(tx: neo4j.ManagedTransaction) -> Page:
            counted = tx.run(queries.query("count_category_products"), categoryId=category_id)
            total = counted.single(strict=True)["total"]
            rows = tx.run(queries.query("category_products"), categoryId=category_id, sort=sort,
                          skip=(page - 1) * per_page, limit=per_page).data()
            return Page([row["product"] for row in rows], page, per_page, total)

        return self.graph.read_with(work)

    def category_tree(self) -> list[dict[str, Any]]:
        """The root categories, each ``{id, name, products, children: [...]}``, where ``products`` counts the
        whole subtree; categories by name at every level."""
        rows = self.graph.read("category_tree")
        nodes = {row["id"]: {"id": row["id"], "name": row["name"], "own": row["products"], "children": []}
                 for row in rows}
        roots: list[dict[str, Any]] = []
        for row in rows:
            parent = nodes.get(row["parentId"]) if row["parentId"] else None
            (parent["children"] if parent else roots).append(nodes[row["id"]])

        def total(node: dict[str, Any], seen: frozenset[str] = frozenset()) -> int:
            if node["id"] in seen:  # a loop in bad data must not hang the page
                return 0
            node["products"] = node["own"] + sum(total(child, seen | {node["id"]}) for child in node["children"])
            return node["products"]

        for root in roots:
            total(root)
        return roots

    def category_names(self, category_ids: list[str]) -> dict[str, str]:
        if not category_ids:
            return {}
        rows = self.graph.read("category_names", categoryIds=list(dict.fromkeys(category_ids)))
        return {row["id"]: row["name"] for row in rows}

    # -- search -----------------------------------------------------------------------------
    def search(self, text: str, page: int = 1, per_page: int = 24) -> SearchResults:
        """Products matching the words of ``text``, best first, tolerant of small typos.

        Every word must match (exactly, as a prefix or within one or two edits); when that finds
        nothing, products matching any of the words are shown instead. Text with no words finds nothing.
        """
        words, truncated = search_words(text)
        if not words:
            return SearchResults([], page, per_page, 0, words, truncated)
        for require_all in (True, False):
            query = lucene_query(words, require_all)
            found = self.graph.read_with(partial(_search_page, query=query, page=page, per_page=per_page))
            if found.total or len(words) == 1:
                break
        return SearchResults(found.items, page, per_page, found.total, words, truncated)


def _search_page(tx: neo4j.ManagedTransaction, query: str, page: int, per_page: int) -> Page:
    total = tx.run(queries.query("count_search_products"), lucene=query).single(strict=True)["total"]
    rows = tx.run(queries.query("search_products"), lucene=query, skip=(page - 1) * per_page,
                  limit=per_page).data()
    items = [{**row["product"], "description": row["description"], "score": row["score"]} for row in rows]
    return Page(plain(items), page, per_page, total)


def _checked_sort(sort: str) -> str:
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
    return sort
