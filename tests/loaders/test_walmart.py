"""The Walmart product sample: a catalogue with a deep category tree, brands, tags and aggregate ratings."""
from __future__ import annotations

import zipfile

import pandas as pd
import pytest

from shopgraph import loaders
from shopgraph.loaders import walmart
from shopgraph.loaders.categories import category_id, split_path
from shopgraph.loaders.writer import graph_counts
from tests.conftest import data_dir


@pytest.fixture(scope="module")
def source() -> pd.DataFrame:
    archive = data_dir() / "walmart-5k" / "walmart-product-review-dataset.zip"
    with zipfile.ZipFile(archive) as opened:
        with opened.open(opened.namelist()[0]) as handle:
            return pd.read_csv(handle, sep="\t", dtype=str)


@pytest.fixture(scope="module")
def loaded(session_graph):
    data_dir()
    session_graph.wipe()
    summary = loaders.load(session_graph, "walmart", progress=False)
    return session_graph, summary


def test_counts_match_the_sample(loaded, source):
    graph, summary = loaded
    counts = graph_counts(graph)
    # a repeated id keeps its most recently crawled row, and with it that row's category
    crawled = pd.to_datetime(source["Crawl Timestamp"], utc=True, format="mixed")
    kept = source.assign(crawled=crawled).sort_values("crawled", kind="stable").groupby("Product Id").tail(1)
    paths = {tuple(split_path(text)) if isinstance(text, str) else ("Other",) for text in kept["Product Category"]}
    every_level = {path[:depth] for path in paths for depth in range(1, len(path) + 1)}
    assert counts["Product"] == source["Product Id"].nunique() == 4_802
    assert counts["Category"] == len(every_level)
    assert counts["PARENT_OF"] == len(every_level) - len({path[:1] for path in paths})
    assert counts["IN_CATEGORY"] == 4_802
    assert counts["Brand"] == kept["Product Brand"].dropna().str.strip().nunique()
    assert counts["MADE_BY"] == kept["Product Brand"].notna().sum()
    assert len(summary.rejected) == 5_000 - 4_802
    assert {rejection.reason.split(":")[0] for rejection in summary.rejected} == {"repeated Product Id"}


def test_a_product_keeps_its_price_image_brand_and_rating(loaded, source):
    graph, _ = loaded
    row = source[source["Product Id"] == "8a4fe5d9c7a6ed26cc44d785a454b124"].iloc[0]
    product = graph.read_one(
        "MATCH (p:Product {id: '8a4fe5d9c7a6ed26cc44d785a454b124'})-[:MADE_BY]->(b:Brand) "
        "RETURN p {.*} AS p, b.name AS brand"
    )
    assert product["brand"] == row["Product Brand"] == "Clairol"
    assert product["p"]["price"] == float(row["Product Price"])
    assert product["p"]["currency"] == row["Product Currency"] == "USD"
    assert product["p"]["imageUrl"] == row["Product Image Url"].split("|")[0].strip()
    assert product["p"]["avgRating"] == float(row["Product Rating"])
    assert product["p"]["ratingCount"] == int(float(row["Product Reviews Count"]))
    assert product["p"]["categoryPath"] == "Beauty > Hair Care > Hair Color > Permanent Hair Color"


def test_every_price_is_in_the_samples_currency(loaded, source):
    graph, _ = loaded
    assert set(source["Product Currency"]) == {"USD"}
    assert graph.read_value("MATCH (p:Product) RETURN collect(DISTINCT p.currency) AS currencies") == ["USD"]


def test_browsing_down_the_tree_reaches_products(loaded):
    graph, _ = loaded
    leaf = category_id(["Beauty", "Hair Care", "Hair Color", "Auburn Hair Color"])
    trail = graph.read_one(
        "MATCH path = (root:Category)-[:PARENT_OF*]->(:Category {id: $leaf}) "
        "WHERE NOT EXISTS { (:Category)-[:PARENT_OF]->(root) } "
        "RETURN [c IN nodes(path) | c.name] AS names, "
        "COUNT { (:Category {id: $leaf})<-[:IN_CATEGORY]-(:Product) } AS products", leaf=leaf
    )
    assert trail["names"] == ["Beauty", "Hair Care", "Hair Color", "Auburn Hair Color"]
    assert trail["products"] >= 1
    below_beauty = graph.read_value(
        "MATCH (:Category {id: 'beauty'})-[:PARENT_OF*0..]->(:Category)<-[:IN_CATEGORY]-(p:Product) "
        "RETURN count(DISTINCT p) AS n"
    )
    assert below_beauty > 1_000


def test_tags_are_short_phrases_not_the_store():
    assert walmart.tags_of("OPI Infinite Shine, Nail Lacquer Nail Polish, Bubble Bath, Wal-mart, Walmart.com",
                           "OPI Infinite Shine, Nail Lacquer Nail Polish, Bubble Bath", "OPI") \
        == ["bubble bath", "nail lacquer nail polish", "opi infinite shine"]
    assert walmart.tags_of("Dove Soap, 4 oz, Wal-mart", "Dove Soap", "Dove") == []


def test_a_tsv_path_reads_like_the_zip(tmp_path, source):
    tsv = tmp_path / "sample.tsv"
    source.head(30).to_csv(tsv, sep="\t", index=False)
    tables = walmart.read(tsv)
    assert len(tables.products) == source.head(30)["Product Id"].nunique()


def test_a_currency_that_is_not_a_code_leaves_the_product_without_one(tmp_path, source):
    rows = source.head(3).copy()
    rows["Product Currency"] = ["usd", "US dollars", None]
    tsv = tmp_path / "sample.tsv"
    rows.to_csv(tsv, sep="\t", index=False)
    currencies = walmart.read(tsv).products.set_index("id").loc[rows["Product Id"], "currency"]
    assert currencies.iloc[0] == "USD" and currencies.iloc[1:].isna().all()


def test_without_the_sample_the_message_says_where_to_point(monkeypatch):
    monkeypatch.delenv("SHOPGRAPH_DATA_DIR", raising=False)
    with pytest.raises(FileNotFoundError, match="--path"):
        walmart.read()
