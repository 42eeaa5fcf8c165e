"""Canonical tables into the graph: batched, MERGE-based, idempotent writes.

The load runs in stages (categories, products, users, orders, purchase roll-ups, ratings and other
interactions), each a named ``cypher/load_*.cypher`` statement fed ``UNWIND $rows`` batches of
thousands of relationships per transaction. Every statement finds nodes by the unique keys of
``cypher/schema.cypher`` and SETs values worked out beforehand in pandas (``loaders.rows``), never
adds to them, so:

- a second load of the same data changes nothing (identical counts);
- each batch commits on its own, so a load stopped half-way keeps what it finished and a rerun
  completes the rest without duplicates.

Speed: the bulky edges (order lines, purchase roll-ups, ratings) travel nested under their shopper,
as parallel lists (``loaders.rows.nest``), and:

- an order or shopper that has none of them yet gets them CREATEd rather than MERGEd one by one
  (see ``load_orders.cypher``);
- their products are found by node key (``product_keys.cypher``), read once per stage, rather than
  by an index seek and a shared lock per edge;
- two of their batches are in flight at once, so Neo4j executes one while it commits the other, and
  as no two batches share a shopper neither waits for the other's locks.

While one stage writes, the next stage's rows are prepared on another thread, so pandas and Neo4j
work at the same time.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from tqdm import tqdm

from shopgraph.graph.db import Graph
from shopgraph.loaders import rows as make
from shopgraph.loaders.summary import LoadSummary
from shopgraph.loaders.tables import Tables

#: Rows per transaction for statements that write a few relationships per row.
BATCH_SIZES = {
    "load_categories": 5_000,
    "load_category_parents": 5_000,
    "load_products": 1_000,
    "load_users": 10_000,
    "load_viewed": 10_000,
    "load_liked": 10_000,
    "load_disliked": 10_000,
    "load_added_to_cart": 10_000,
    "load_product_ratings": 5_000,
}
#: Statements whose rows nest many relationships (an order's lines, a user's purchases) are batched to
#: about this many relationships per transaction: big enough to amortise the commit, small enough for a
#: 1 GB heap.
RELATIONSHIPS_PER_TRANSACTION = 10_000
#: Batches in flight at once for the bulky stages: while Neo4j commits one, it executes the next on the
#: other core. Those stages only CREATE or MERGE edges between nodes that exist already, so batches may
#: commit in any order.
CONCURRENT_BATCHES = 2

Rows = list[dict]


@dataclass
class Stage:
    """One statement of the load, with a recipe for its rows (prepared ahead, on another thread)."""

    title: str
    statement: str
    prepare: Callable[[], Rows]
    count: Callable[[Rows], int] = len  # relationships the rows write, for the ingestion rate
    nested: bool = False  # rows carry lists of relationships
    rows: Rows = field(default_factory=list)

    @property
    def relationships(self) -> int:
        return self.count(self.rows)

    @property
    def batch_size(self) -> int:
        if self.nested:
            per_row = max(1.0, self.relationships / max(1, len(self.rows)))
            return max(1, int(RELATIONSHIPS_PER_TRANSACTION / per_row))
        return BATCH_SIZES[self.statement]


#: Where the rows of the statements that find products by key (``cypher/product_keys.cypher``) keep
#: their ``productIds`` lists: in each order of a shopper, or in the row itself.
PRODUCT_LISTS: dict[str, Callable[[Rows], Rows]] = {
    "load_orders": lambda rows: [order for row in rows for order in row["orders"]],
    "load_purchased": lambda rows: rows,
    "load_rated": lambda rows: rows,
}


def add_product_keys(graph: Graph, statement: str, rows: Rows) -> None:
    """Give each ``productIds`` list of ``statement``'s rows a parallel ``productKeys`` list (None for a
    product not in the graph, which the statement then skips, as it would an unknown id)."""
    lists = PRODUCT_LISTS[statement](rows)
    ids = sorted({product for holder in lists for product in holder["productIds"]})
    keys = {row["id"]: row["key"] for row in graph.read("product_keys", ids=ids)}
    for holder in lists:
        holder["productKeys"] = [keys.get(product) for product in holder["productIds"]]


def _lines(rows: Rows) -> int:
    return sum(len(row["productIds"]) for row in rows)


def _placed_and_contains(rows: Rows) -> int:
    return sum(len(row["orders"]) + _lines(row["orders"]) for row in rows)


def _none(rows: Rows) -> int:
    return 0


def _product_edges(rows: Rows) -> int:
    return sum(len(row["categoryIds"]) + len(row["tags"]) + (row["brand"] is not None) for row in rows)


def stages(tables: Tables) -> list[Stage]:
    """The load plan, in dependency order (nodes before the relationships that need them)."""
    categories = make.category_rows  # one call gives both category stages
    return [
        Stage("categories", "load_categories", lambda: categories(tables)[0], _none),
        Stage("category tree", "load_category_parents", lambda: categories(tables)[1]),
        Stage("products", "load_products", lambda: make.product_rows(tables), _product_edges),
        Stage("users", "load_users", lambda: make.user_rows(tables), _none),
        Stage("orders", "load_orders", lambda: make.order_rows(tables), _placed_and_contains, nested=True),
        Stage("purchases", "load_purchased", lambda: make.purchased_rows(tables), _lines, nested=True),
        Stage("ratings", "load_rated", lambda: make.rated_rows(tables), _lines, nested=True),
        Stage("views", "load_viewed", lambda: make.viewed_rows(tables)),
        Stage("likes", "load_liked", lambda: make.opinion_rows(tables)[0]),
        Stage("dislikes", "load_disliked", lambda: make.opinion_rows(tables)[1]),
        Stage("carts", "load_added_to_cart", lambda: make.cart_rows(tables)),
        # with user ratings in the data, products' averages come from their RATED edges
        Stage("product ratings", "load_product_ratings",
              lambda: [{"id": str(product)} for product in tables.products["id"]]
              if (tables.events["type"] == "rate").any() else [], _none),
    ]


def graph_counts(graph: Graph) -> dict[str, int]:
    """Nodes per label and relationships per type (``cypher/load_counts.cypher``)."""
    return {row["name"]: row["count"] for row in graph.read("load_counts")}


def write_tables(
    graph: Graph,
    tables: Tables,
    reset: bool = False,
    progress: bool = True,
    on_stage: Callable[[Stage], None] | None = None,
) -> LoadSummary:
    """Write ``tables`` into ``graph`` (schema first; with ``reset``, on an emptied graph).

    ``write_seconds`` runs from preparing the first rows to the last commit (the reset not included).
    ``on_stage`` is called before each stage writes (tests use it to stop a load part-way).
    """
    if reset:
        graph.wipe()
    graph.apply_schema()
    before = graph_counts(graph)
    started = time.perf_counter()
    plan = stages(tables)
    stage_seconds: dict[str, float] = {}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="load-rows") as preparer:
        prepared: list[Future[Rows]] = [preparer.submit(stage.prepare) for stage in plan]  # run in order
        try:
            for stage, rows in zip(plan, prepared, strict=True):
                stage.rows = rows.result()
                if not stage.rows:
                    continue
                if on_stage:
                    on_stage(stage)
                stage_started = time.perf_counter()
                if stage.statement in PRODUCT_LISTS:  # the products exist now
                    add_product_keys(graph, stage.statement, stage.rows)
                with tqdm(total=len(stage.rows), desc=f"{tables.dataset}: {stage.title}", unit=" rows",
                          disable=not progress, leave=True, dynamic_ncols=True) as bar:
                    graph.write_batches(stage.statement, stage.rows, batch_size=stage.batch_size,
                                        on_batch=bar.update, writers=CONCURRENT_BATCHES if stage.nested else 1)
                stage_seconds[stage.title] = time.perf_counter() - stage_started
        finally:
            for future in prepared:
                future.cancel()
    write_seconds = time.perf_counter() - started
    return LoadSummary(
        dataset=tables.dataset,
        before=before,
        after=graph_counts(graph),
        rejected=list(tables.rejected),
        write_seconds=write_seconds,
        relationships_written=sum(stage.relationships for stage in plan if stage.rows),
        rows_written={stage.title: len(stage.rows) for stage in plan if stage.rows},
        stage_seconds=stage_seconds,
    )
