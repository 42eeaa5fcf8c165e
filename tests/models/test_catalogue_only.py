"""A shop whose catalogue is loaded but whose shoppers have done nothing yet (the Walmart sample, a new shop):
`shopgraph train` fits what the products alone teach, publishes their SIMILAR_TO neighbours and says what it
skipped; "similar items" then come from those neighbours, and "popular" from the aggregate ratings."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from shopgraph import loaders
from shopgraph.cli import main
from shopgraph.models.artefacts import read_metadata
from shopgraph.models.serving import RecommendationService
from shopgraph.models.training import MODELS

#: A products-only catalogue in the Walmart sample's format: text, categories, brands, tags and aggregate ratings
#: (Product Rating over Product Reviews Count), no shoppers. mug-2 has reviews but no rating, as many Walmart
#: rows do; gar-2 and kite-2 have neither.
HEADER = ["Product Id", "Product Name", "Product Brand", "Product Category", "Product Description",
          "Product Tags", "Product Price", "Product Rating", "Product Reviews Count", "Product Currency",
          "Crawl Timestamp"]
PRODUCTS = [
    ("tea-1", "Blue Enamel Teapot", "Kettleworks", "Kitchen > Teapots",
     "A blue enamel teapot for loose leaf tea, one litre.", "enamel teapot, loose leaf tea", "24.00", "4.9", "300"),
    ("tea-2", "Red Enamel Teapot", "Kettleworks", "Kitchen > Teapots",
     "A red enamel teapot for loose leaf tea, one litre.", "enamel teapot, loose leaf tea", "24.00", "5.0", "2"),
    ("mug-1", "Stoneware Coffee Mug", "Kiln & Co", "Kitchen > Mugs",
     "A glazed stoneware mug for big coffees.", "stoneware, coffee", "12.00", "4.0", "50"),
    ("mug-2", "Enamel Camping Mug", "Trailhead", "Kitchen > Mugs",
     "A chip-resistant enamel mug for coffee at the campsite.", "enamel, camping", "8.50", "", "12"),
    ("gar-1", "Steel Garden Trowel", "Greenhand", "Garden > Tools",
     "A stainless steel trowel for planting bulbs.", "garden tools, planting", "9.00", "3.5", "8"),
    ("gar-2", "Thorn-proof Garden Gloves", "Greenhand", "Garden > Tools",
     "Leather gloves for pruning roses and planting.", "garden tools, gloves", "15.00", "", ""),
    ("kite-1", "Delta Kite", "Skyward", "Toys > Outdoor",
     "A delta kite for windy beach days.", "kite, beach", "19.00", "4.6", "40"),
    ("kite-2", "Kite String Reel", "Skyward", "Toys > Outdoor",
     "A reel of strong string for a delta kite.", "kite, string", "6.00", "", ""),
]
RATED = {"tea-1": (4.9, 300), "tea-2": (5.0, 2), "mug-1": (4.0, 50), "gar-1": (3.5, 8), "kite-1": (4.6, 40)}
EVERY_OTHER_MODEL = set(MODELS) - {"content"}


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def catalogue(graph, neo4j_settings, monkeypatch, tmp_path):
    """The catalogue above, loaded by the Walmart loader into the (wiped) test graph; the CLI pointed at it."""
    source = tmp_path / "catalogue.tsv"
    rows = ["\t".join(HEADER)] + ["\t".join([*product, "USD", "2020-09-24 03:21:12 +0000"]) for product in PRODUCTS]
    source.write_text("\n".join(rows) + "\n")
    loaders.load(graph, "walmart", path=source, progress=False)
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.uri)
    monkeypatch.setenv("NEO4J_USER", neo4j_settings.user)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings.password)
    monkeypatch.setenv("SHOPGRAPH_ARTIFACTS", str(tmp_path / "artifacts"))
    assert graph.read_value("MATCH (p:Product) RETURN count(p)") == len(PRODUCTS)
    assert graph.read_value("MATCH (u:User) RETURN count(u)") == 0
    return graph


@pytest.fixture
def trained(catalogue, tmp_path):
    """`shopgraph train` run once on the catalogue: (its result, the version folder)."""
    result = run("train")
    assert result.exit_code == 0, result.output
    version = catalogue.read_value("published_model")
    return result, tmp_path / "artifacts" / "models" / version


def similar_ids(graph, product_id):
    return [row["id"] for row in graph.read(
        "MATCH (:Product {id: $id})-[r:SIMILAR_TO]->(p:Product) RETURN p.id AS id ORDER BY r.score DESC, id",
        id=product_id)]


def test_train_fits_the_content_model_and_says_what_it_skipped(trained):
    result, folder = trained

    assert "Trained: content." in result.stdout
    skipped = re.search(r"Skipped: (.*)", result.stdout)
    assert skipped and "no interactions yet" in skipped.group(1)
    assert all(name in skipped.group(1) for name in EVERY_OTHER_MODEL)
    assert "Published version" in result.stdout
    assert "Stored lists: skipped (no shoppers yet)." in result.stdout
    metadata = read_metadata(folder)
    assert set(metadata["models"]) == {"content"}
    assert set(metadata["skipped"]) == EVERY_OTHER_MODEL
    assert metadata["skipped"]["collaborative"] == "no interactions yet"
    assert metadata["counts"] == {"users": 0, "products": len(PRODUCTS), "interactions": 0}
    assert "skipped" in metadata["hybrid"] and "skipped" in metadata["multi"]
    assert (folder / "content_neighbours.npz").is_file() and (folder / "content" / "model.json").is_file()
    for absent in ("bought_with.npz", "mf.npz", "embedding.npz", "ranker.npz"):
        assert not (folder / absent).exists(), f"{absent} needs shoppers' interactions"


def test_the_content_neighbours_are_published_as_similar_to(trained, catalogue):
    _, folder = trained
    version = folder.name

    assert catalogue.read_value("MATCH ()-[r:SIMILAR_TO {model: 'tfidf', version: $v}]->() RETURN count(r)",
                                v=version) > 0
    assert catalogue.read_value("MATCH ()-[r:SIMILAR_TO]->() WHERE r.version <> $v RETURN count(r)", v=version) == 0
    assert catalogue.read_value("MATCH ()-[r:BOUGHT_WITH]->() RETURN count(r)") == 0
    assert catalogue.read_value("MATCH (p:Product) WHERE p.embedding IS NOT NULL OR p.mf IS NOT NULL "
                                "RETURN count(p)") == 0
    # Described alike, so alike: the other teapot, the other kite, the other garden tool.
    assert similar_ids(catalogue, "tea-1")[0] == "tea-2"
    assert similar_ids(catalogue, "kite-2")[0] == "kite-1"
    assert similar_ids(catalogue, "gar-2")[0] == "gar-1"


def test_similar_products_come_from_the_content_neighbours_not_the_category(trained, catalogue, tmp_path):
    service = RecommendationService(catalogue, artefacts_dir=tmp_path / "artifacts")

    items = service.products.similar_products("tea-1", 5)

    assert items[0].product_id == "tea-2"
    assert all(item.because == [{"kind": "similar_to", "product": "tea-1"}] for item in items)


def test_the_api_and_the_product_page_show_similar_items(trained, client):
    body = client.get("/api/v1/products/tea-1/similar?k=3").get_json()

    assert body["items"][0]["product_id"] == "tea-2"
    assert {json.dumps(because) for item in body["items"] for because in item["because"]} == {
        json.dumps({"kind": "similar_to", "product": "tea-1"})}
    page = client.get("/products/tea-1").get_data(as_text=True)
    similar = page[page.index('id="shelf-similar-items"'):]
    similar = similar[:similar.index("</section>")]
    assert "Red Enamel Teapot" in similar
    assert "Similar to" in similar and "More in" not in similar, "the row fell back to the category"


def bayesian(product_id):
    """The Bayesian average cypher/popular.cypher ranks a catalogue by, as a share of five stars."""
    reviews = sum(n for _, n in RATED.values())
    mean = sum(avg * n for avg, n in RATED.values()) / reviews
    avg, n = RATED[product_id]
    return (10 * mean + n * avg) / (10 + n) / 5


def test_popular_ranks_a_shop_without_orders_by_its_aggregate_ratings(catalogue, tmp_path):
    rows = catalogue.read("popular", limit=10)

    # A 5.0 from two reviews ranks under a 4.9 from three hundred; products without a rating are not guessed.
    assert [row["productId"] for row in rows] == ["tea-1", "tea-2", "kite-1", "gar-1", "mug-1"]
    assert [row["score"] for row in rows] == pytest.approx([bayesian(row["productId"]) for row in rows])
    assert {json.dumps(row["reason"]) for row in rows} == {json.dumps({"kind": "top_rated"})}
    service = RecommendationService(catalogue, artefacts_dir=tmp_path / "artifacts")
    visitor = service.recommend(None, 3, "popular")
    assert [item.product_id for item in visitor] == ["tea-1", "tea-2", "kite-1"]


def test_what_the_shoppers_choose_ranks_above_the_aggregate_ratings(catalogue):
    catalogue.write("MATCH (p:Product {id: 'gar-2'}) MERGE (u:User {id: 'u-first'}) "
                    "MERGE (u)-[:LIKED {at: datetime()}]->(p)")

    rows = catalogue.read("popular", limit=10)

    assert rows[0] == {"source": "popular", "productId": "gar-2", "score": 1.0, "reason": {"kind": "popular"}}
    assert [row["productId"] for row in rows[1:]] == ["tea-1", "tea-2", "kite-1", "gar-1", "mug-1"]


def test_training_again_replaces_the_similar_to_edges_and_leaves_the_rest(catalogue, tmp_path):
    # Edges the graph holds before: made by hand (no version), and co-purchases of an earlier, live version.
    catalogue.write("MATCH (a:Product {id: 'tea-1'}), (b:Product {id: 'gar-2'}) "
                    "CREATE (a)-[:SIMILAR_TO {score: 0.9}]->(b), "
                    "(a)-[:BOUGHT_WITH {score: 0.5, model: 'cooc', version: '20200101T000000Z'}]->(b) "
                    "CREATE (:ModelVersion {version: '20200101T000000Z', publishedAt: datetime('2020-01-01T00:00Z')})")

    first = run("train")
    second = run("train")

    assert first.exit_code == second.exit_code == 0, first.output + second.output
    assert "no BOUGHT_WITH edges or vectors" in second.stdout
    version = catalogue.read_value("published_model")
    assert catalogue.read_value("MATCH ()-[r:SIMILAR_TO]->() WHERE r.version <> $v RETURN count(r)", v=version) == 0
    assert "gar-2" not in similar_ids(catalogue, "tea-1")
    assert catalogue.read_value("MATCH ()-[r:BOUGHT_WITH]->() RETURN count(r)") == 1, \
        "a version without co-purchases leaves the graph's BOUGHT_WITH edges alone"
    served = catalogue.read("bought_with", seeds=[{"id": "tea-1", "weight": 1.0}], perSeed=5, limit=5)
    assert [row["productId"] for row in served] == ["gar-2"], "and they are still served"


def test_train_refuses_models_that_need_interactions_only(catalogue):
    result = run("train", "--models", "collaborative,mf")

    assert result.exit_code == 1
    assert "interactions and there are none yet" in result.stderr
    assert "content" in result.stderr and "Traceback" not in result.output
