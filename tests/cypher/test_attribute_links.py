"""Attribute links (cypher/link_new_products_by_attributes) give a product neighbours the model has not seen, and
never take away the neighbours a trained text model gave it."""
from __future__ import annotations

from tests.webapp.shop import stock

VERSION = "20240101T000000Z"


def _neighbours(graph, product_id: str) -> dict[str, str]:
    return {row["id"]: row["model"] for row in graph.read(
        "MATCH (:Product {id: $id})-[s:SIMILAR_TO]->(p:Product) RETURN p.id AS id, s.model AS model", id=product_id)}


def test_a_product_the_model_has_not_seen_gets_neighbours_by_shared_attributes(graph):
    stock(graph)

    graph.write("link_new_products_by_attributes", productIds=["85123A"], perProduct=5, version=VERSION)

    linked = _neighbours(graph, "85123A")
    assert linked and set(linked.values()) == {"shared-attributes"}


def test_a_product_with_trained_neighbours_keeps_them(graph):
    stock(graph)
    graph.write("MATCH (a:Product {id: '85123A'}), (b:Product {id: '22423'}) "
                "CREATE (a)-[:SIMILAR_TO {score: 0.9, model: 'tfidf', version: $version}]->(b)", version=VERSION)

    graph.write("link_new_products_by_attributes", productIds=["85123A"], perProduct=5, version=VERSION)

    assert _neighbours(graph, "85123A") == {"22423": "tfidf"}
