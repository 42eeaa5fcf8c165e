"""Products written one at a time, as the JSON API's PUT and DELETE do.

A product is written with the loaders' own statement (``cypher/load_products.cypher``), so its category, brand
and tag links -- what the content candidate walk ``same_category_brand_tag`` reads -- exist the moment the write
commits, exactly as for a loaded catalogue. In the same transaction it gets ``SIMILAR_TO`` neighbours by shared
attributes (``cypher/link_new_products_by_attributes.cypher``, as ``models.publish.publish_new_products`` writes
for products loaded after training), so its own "similar items" row and the lists of visitors who view it are
filled at once; the next ``shopgraph train`` replaces those edges with trained ones.

Deleting retires the product (``cypher/retire_product.cypher``): it leaves the catalogue, search and every
candidate walk at once, while past orders keep their lines.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import neo4j

from shopgraph.graph import model_versions, queries
from shopgraph.graph.db import Graph

#: SIMILAR_TO neighbours given to a product written through the API, as publish_new_products gives each new one.
NEIGHBOURS_PER_PRODUCT = 20


class UnknownCategories(LookupError):
    """Some category ids name no category; ``positions`` are their indexes in the list given."""

    def __init__(self, positions: list[int], ids: list[str]) -> None:
        super().__init__(ids)
        self.positions, self.ids = positions, ids


@dataclass(frozen=True)
class ProductFields:
    """What an integrator sends for a product; ``category_ids`` are existing category ids, leaf or not."""

    name: str
    description: str | None = None
    price: float | None = None
    currency: str | None = None
    image_url: str | None = None
    brand: str | None = None
    category_ids: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


class CatalogWrites:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def put_product(self, product_id: str, fields: ProductFields) -> None:
        """Creates or replaces the product (its ratings, creation time and sales are kept); raises
        ``UnknownCategories`` and writes nothing when a category id names no category."""
        category_ids = list(dict.fromkeys(fields.category_ids))
        paths = {row["id"]: row["path"] for row in self.graph.read("category_paths", categoryIds=category_ids)}
        unknown = [i for i, cid in enumerate(fields.category_ids) if cid not in paths]
        if unknown:
            raise UnknownCategories(unknown, [fields.category_ids[i] for i in unknown])
        row = {"id": product_id, "name": fields.name, "description": fields.description, "price": fields.price,
               "currency": fields.currency, "imageUrl": fields.image_url, "brand": fields.brand,
               # null rating and creation time: the statement keeps what the product has (or starts it afresh)
               "avgRating": None, "ratingCount": None, "createdAt": None,
               "categoryPath": "; ".join(paths[cid] for cid in category_ids) or None,
               "categoryIds": category_ids, "tags": sorted(set(fields.tags))}
        live = model_versions.live_version(self.graph)
        version = live.similar_to_version if live else None

        def work(tx: neo4j.ManagedTransaction) -> None:
            tx.run(queries.query("load_products"), rows=[row]).consume()
            tx.run(queries.query("link_new_products_by_attributes"), productIds=[product_id],
                   perProduct=NEIGHBOURS_PER_PRODUCT, version=version).consume()

        self.graph.write_with(work)

    def retire_product(self, product_id: str) -> bool:
        """Takes the product out of the shop; False when there was none (nothing to do)."""
        return bool(self.graph.write("retire_product", productId=product_id)[0]["retired"])


def product_fields(body: dict[str, Any]) -> ProductFields:
    """ProductFields from a body already checked against the API's schema (``webapp.write_bodies.product_body``)."""
    return ProductFields(name=body["name"], description=body.get("description"), price=body.get("price"),
                         currency=body.get("currency"), image_url=body.get("imageUrl"), brand=body.get("brand"),
                         category_ids=tuple(body.get("categories") or ()), tags=tuple(body.get("tags") or ()))
