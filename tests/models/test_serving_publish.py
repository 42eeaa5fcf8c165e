"""Publishing an artefact version into the graph, and giving newly loaded products neighbours at once."""
from __future__ import annotations

import json

import pytest

from shopgraph.graph.recommendations import RecommendationRepository
from shopgraph.models.publish import PublishError, publish, publish_new_products
from shopgraph.models.serving import CachePolicy, RecommendationService
from shopgraph.models.serving_blend import taken_products
from tests.models.artefact_versions import PRODUCT_IDS, edges, write_version
from tests.models.shop_fixture import PRODUCTS, USERS, build_shop


@pytest.fixture
def tiny_shop(graph):
    build_shop(graph, with_vectors=False)
    return graph


def test_publish_writes_edges_vectors_and_the_version(tiny_shop, tmp_path):
    folder = write_version(tmp_path, "20240201T000000Z", similar={"g2": [("g1", 0.9), ("g4", 0.4)]},
                           bought={"g2": [("c4", 0.7)], "t1": [("t2", 0.5)]})

    summary = publish(tiny_shop, folder)

    similar = edges(tiny_shop, "SIMILAR_TO")
    assert set(similar) == {("g2", "g1"), ("g2", "g4")}, "the hand-made edges of before were not replaced"
    assert similar[("g2", "g1")]["score"] == pytest.approx(0.9)
    assert similar[("g2", "g1")]["model"] == "tfidf" and similar[("g2", "g1")]["version"] == "20240201T000000Z"
    assert set(edges(tiny_shop, "BOUGHT_WITH")) == {("g2", "c4"), ("t1", "t2")}
    assert {e["model"] for e in edges(tiny_shop, "BOUGHT_WITH").values()} == {"cooc"}
    assert (summary.similar_to, summary.bought_with) == (2, 2)
    assert (summary.product_vectors, summary.user_vectors) == (len(PRODUCT_IDS), len(USERS))
    k1 = next(row for row in tiny_shop.read("product_vectors") if row["productId"] == "k1")
    alice = RecommendationRepository(tiny_shop).history("alice")
    assert (len(k1["embedding"]), len(k1["mf"]), len(alice.embedding), len(alice.mf)) == (64, 8, 64, 8)
    assert tiny_shop.read_value("published_model") == "20240201T000000Z"
    found = tiny_shop.read("embedding_neighbours", vector=list(alice.embedding), nearest=3, userId=None, takenLimit=0)
    assert len(found) == 3, "the published embeddings are not in the vector index"
    hers = tiny_shop.read("embedding_neighbours", vector=list(alice.embedding), nearest=3, userId="alice",
                          takenLimit=300)
    assert len(hers) == 3 + len(taken_products(alice)), "her own products would crowd new ones out"


def test_a_new_version_replaces_the_previous_one(tiny_shop, tmp_path):
    publish(tiny_shop, write_version(tmp_path, "20240201T000000Z", {"g2": [("g1", 0.9)]}, {"g2": [("c4", 0.7)]}))

    publish(tiny_shop, write_version(tmp_path, "20240301T000000Z", {"g2": [("g3", 0.8)], "k1": [("k2", 0.6)]},
                                {"t1": [("t2", 0.5)]}, seed=1))

    assert set(edges(tiny_shop, "SIMILAR_TO")) == {("g2", "g3"), ("k1", "k2")}
    assert set(edges(tiny_shop, "BOUGHT_WITH")) == {("t1", "t2")}
    assert {e["version"] for e in edges(tiny_shop, "SIMILAR_TO").values()} == {"20240301T000000Z"}
    assert tiny_shop.read_value("published_model") == "20240301T000000Z"


def test_serving_uses_the_published_version(tiny_shop, tmp_path):
    service = RecommendationService(tiny_shop, artefacts_dir=tmp_path, caching=CachePolicy(version_check_seconds=0))
    assert "c4" not in [i.product_id for i in service.products.bought_together("g2")]

    publish(tiny_shop, write_version(tmp_path, "20240201T000000Z", {"g2": [("g1", 0.9)]}, {"g2": [("c4", 0.7)]}))
    service.refresh()

    assert service.products.bought_together("g2")[0].product_id == "c4"
    assert service.products.similar_products("g2")[0].product_id == "g1"
    assert service.recommend("dave", 5, "mf"), "published MF factors give dave a list"
    assert all(item.because == [{"kind": "matches_your_taste"}] for item in service.recommend("dave", 5, "mf"))


def test_wrong_sized_embeddings_are_refused(tiny_shop, tmp_path):
    folder = write_version(tmp_path, "20240201T000000Z", {}, {}, dims=32)

    with pytest.raises(PublishError, match="64"):
        publish(tiny_shop, folder)


def test_a_folder_without_ids_is_refused(tiny_shop, tmp_path):
    with pytest.raises(PublishError, match="ids.json"):
        publish(tiny_shop, tmp_path)


def test_a_new_product_gets_similar_products_at_once(tiny_shop, tmp_path):
    tiny_shop.write("MATCH (c:Category {id: 'kitchen'}), (b:Brand {name: 'Acme'}), (t:Tag {name: 'tea'}) "
               "CREATE (p:Product {id: 'k9', name: 'Green teapot', price: 9.0}) "
               "CREATE (p)-[:IN_CATEGORY]->(c), (p)-[:MADE_BY]->(b), (p)-[:TAGGED]->(t)")

    written = publish_new_products(tiny_shop, ["k9"], artefacts_dir=tmp_path)

    similar = edges(tiny_shop, "SIMILAR_TO")
    linked = {b: e for (a, b), e in similar.items() if a == "k9"}
    # Kitchen 1 + Acme 0.8 + tea 0.5 for the teapots; the mug shares aisle and brand, the towel aisle and tag.
    assert written == len(linked) == 4
    assert {b: e["score"] for b, e in linked.items()} == pytest.approx({"k1": 1.0, "k2": 1.0, "k4": 0.9, "k3": 0.75})
    assert {e["model"] for e in linked.values()} == {"shared-attributes"}
    service = RecommendationService(tiny_shop, artefacts_dir=tmp_path)
    because = [i.because for i in service.products.similar_products("k9", 2)]
    assert because == [[{"kind": "similar_to", "product": "k9"}]] * 2


def test_a_new_product_is_placed_by_the_trained_text_model(tiny_shop, tmp_path):
    import pandas as pd

    from shopgraph.models.content import ContentRecommender
    from shopgraph.models.data import Interactions
    from tests.models.shop_fixture import CATEGORIES, ORDERS

    events = pd.DataFrame([{"user_id": user, "product_id": item, "type": "purchase", "value": 1.0,
                            "timestamp": pd.Timestamp("2024-01-01") + pd.Timedelta(days=days), "order_id": oid,
                            "price": 1.0} for oid, user, days, items in ORDERS for item in items])
    interactions = Interactions.from_events(events, pd.DataFrame(PRODUCTS), pd.DataFrame(CATEGORIES),
                                            product_ids=PRODUCT_IDS)
    folder = tmp_path / "models" / "20240201T000000Z"
    ContentRecommender().fit(interactions).save(folder / "content")
    (folder / "ids.json").write_text(json.dumps({"products": PRODUCT_IDS, "users": USERS}))
    (folder / "metadata.json").write_text(json.dumps({"version": folder.name}))
    publish(tiny_shop, folder)  # the live version's text model places new products
    tiny_shop.write("MATCH (c:Category {id: 'kitchen'}) "
               "CREATE (p:Product {id: 'k9', name: 'Green teapot', description: 'A green teapot.'}) "
               "CREATE (p)-[:IN_CATEGORY]->(c)")

    written = publish_new_products(tiny_shop, ["k9"], artefacts_dir=tmp_path)

    linked = {b: e for (a, b), e in edges(tiny_shop, "SIMILAR_TO").items() if a == "k9"}
    assert written == len(linked) > 0
    assert {e["model"] for e in linked.values()} == {"tfidf"}
    best = max(linked, key=lambda b: linked[b]["score"])
    assert best in {"k1", "k2"}, f"a teapot should be most like the other teapots, got {best}"
