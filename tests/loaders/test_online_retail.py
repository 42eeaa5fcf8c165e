"""The full UCI Online Retail load, checked against the source file after the README's cleaning.

The load takes a while, so it runs once for this module (``retail``) and every test reads the
resulting graph; tests that need their own graph live in ``test_online_retail_files.py``.
"""
from __future__ import annotations

import time

import pandas as pd
import pytest

from shopgraph import loaders
from shopgraph.loaders.online_retail import SERVICE_CODES
from shopgraph.loaders.writer import graph_counts
from tests.conftest import data_dir

pytestmark = pytest.mark.slow


def figures(lines: pd.DataFrame) -> tuple[int, int, int, int]:
    """(customers, products, orders, customer-product pairs) of some sales lines."""
    return (lines["CustomerID"].nunique(), lines["StockCode"].nunique(), lines["InvoiceNo"].nunique(),
            len(lines[["CustomerID", "StockCode"]].drop_duplicates()))


@pytest.fixture(scope="module")
def sales() -> pd.DataFrame:
    """Worked out here independently of the loader: the README's cleaning, then product codes only
    (five digits and optional letters), which drops POST, DOT, M, C2, PADS and BANK CHARGES."""
    lines = pd.read_parquet(data_dir() / "online-retail" / "online_retail.parquet")
    kept = lines[
        ~lines["InvoiceNo"].astype(str).str.startswith("C")
        & lines["CustomerID"].notna()
        & (lines["Quantity"] > 0)
        & (lines["UnitPrice"] > 0)
    ]
    assert (len(kept), *figures(kept)[:3]) == (397_884, 4_338, 3_665, 18_532), "the README's figures"
    return kept[kept["StockCode"].str.fullmatch(r"\d{5}[A-Za-z]*")]


@pytest.fixture(scope="module")
def source(sales) -> pd.DataFrame:
    """What the catalogue holds: the sales less three service lines with product-like codes."""
    return sales[~sales["StockCode"].isin(list(SERVICE_CODES))]


@pytest.fixture(scope="module")
def retail(session_graph):
    """The whole dataset loaded once into an emptied graph: (graph, summary, seconds)."""
    data_dir()
    session_graph.wipe()
    started = time.perf_counter()
    summary = loaders.load(session_graph, "online-retail", progress=False)
    return session_graph, summary, time.perf_counter() - started


def test_counts_match_the_cleaned_source(retail, sales, source):
    graph, summary, _ = retail
    assert figures(sales) == (4_334, 3_659, 18_402, 266_221), "the issue's figures"
    # Next Day Carriage, PACKING CHARGE and High Resolution Image are not products either:
    assert figures(source) == (4_334, 3_656, 18_399, 266_146)
    counts = graph_counts(graph)
    assert (counts["User"], counts["Product"], counts["Order"], counts["PURCHASED"]) == figures(source)
    assert counts["PLACED"] == counts["Order"]
    assert counts["CONTAINS"] == len(source[["InvoiceNo", "StockCode"]].drop_duplicates())
    assert summary.created["Product"] == counts["Product"]


def test_non_products_stay_out_of_the_catalogue(retail):
    graph, summary, _ = retail
    codes = ["POST", "DOT", "M", "C2", "PADS", "BANK CHARGES", *SERVICE_CODES]
    assert graph.read_value("MATCH (p:Product) WHERE p.id IN $codes RETURN count(p) AS n", codes=codes) == 0
    reasons = summary.rejected_by_reason()
    assert len(reasons["stock code POST is not a product"]) == 1_099
    assert len(reasons["cancelled invoice"]) == 9_288
    assert len(reasons["no CustomerID"]) == 134_697


def test_a_customer_roll_up_matches_their_invoices(retail, source):
    graph, _, _ = retail
    lines = source[(source["CustomerID"] == 17850.0) & (source["StockCode"] == "85123A")]
    row = graph.read_one(
        "MATCH (:User {id: '17850'})-[r:PURCHASED]->(:Product {id: '85123A'}) "
        "RETURN r.count AS count, r.quantity AS quantity, r.at AS at"
    )
    assert row["count"] == lines["InvoiceNo"].nunique()
    assert row["quantity"] == lines["Quantity"].sum()
    assert row["at"].to_native().replace(tzinfo=None) == lines["InvoiceDate"].max()


def test_an_order_holds_its_invoice_lines(retail, source):
    graph, _, _ = retail
    invoice = source[source["InvoiceNo"] == "536365"]
    rows = graph.read(
        "MATCH (u:User)-[:PLACED]->(o:Order {id: '536365'})-[c:CONTAINS]->(p:Product) "
        "RETURN u.id AS user, u.country AS country, p.id AS product, c.quantity AS quantity, c.price AS price"
    )
    assert {row["user"] for row in rows} == {"17850"}
    assert {row["country"] for row in rows} == {"United Kingdom"}
    assert sorted((r["product"], r["quantity"], r["price"]) for r in rows) == sorted(
        zip(invoice["StockCode"], invoice["Quantity"].astype(float), invoice["UnitPrice"], strict=True)
    )


def test_products_carry_the_latest_description_and_price(retail, source):
    graph, _, _ = retail
    latest = source[source["StockCode"] == "85123A"].sort_values("InvoiceDate").iloc[-1]
    product = graph.read_one("MATCH (p:Product {id: '85123A'}) RETURN p {.*} AS p")["p"]
    assert product["name"] == "Cream Hanging Heart T-Light Holder"
    assert product["description"] == latest["Description"].strip()
    assert product["price"] == latest["UnitPrice"]
    assert product["categoryPath"] == "Lights & Candles > Candle Holders"


def test_every_product_sits_in_a_two_level_category(retail):
    graph, _, _ = retail
    rows = graph.read(
        "MATCH (p:Product) "
        "OPTIONAL MATCH (root:Category)-[:PARENT_OF]->(leaf:Category)<-[:IN_CATEGORY]-(p) "
        "WHERE NOT EXISTS { (:Category)-[:PARENT_OF]->(root) } "
        "RETURN count(DISTINCT p) AS products, count(leaf) AS filed, "
        "count(DISTINCT root) AS departments, count(DISTINCT leaf) AS aisles"
    )[0]
    assert rows["products"] == rows["filed"]
    assert 8 <= rows["departments"] <= 15
    assert rows["aisles"] >= 30
    # no aisle swallows the shop, and the catch-all stays small
    sizes = graph.read(
        "MATCH (c:Category)<-[:IN_CATEGORY]-(p:Product) RETURN c.id AS id, count(p) AS n ORDER BY n DESC"
    )
    assert sizes[0]["n"] < 0.12 * rows["products"]
    other = next(row["n"] for row in sizes if row["id"] == "gifts-novelties--other-gifts")
    assert other < 0.02 * rows["products"]


def test_a_category_is_browseable(retail):
    graph, _, _ = retail
    mugs = graph.read(
        "MATCH (:Category {name: 'Home & Kitchen'})-[:PARENT_OF]->(c:Category {name: 'Mugs & Cups'})"
        "<-[:IN_CATEGORY]-(p:Product) RETURN p.name AS name"
    )
    names = [row["name"] for row in mugs]
    assert len(names) > 50
    drinkware = ("Mug", "Cup", "Beaker", "Glass", "Tumbler", "Flask", "Saucer")
    assert all(any(word in name for word in drinkware) for name in names), names
    found = graph.read(
        "CALL db.index.fulltext.queryNodes('product_text', 'mugs') YIELD node RETURN node.id AS id LIMIT 5"
    )
    assert found, "the category path is searchable"


def test_the_summary_reports_speed_and_rejections(retail):
    _, summary, seconds = retail
    report = summary.report(limit=10)
    assert "PURCHASED" in report and "CONTAINS" in report
    assert "145,668 source rows rejected" in report
    assert "online_retail.parquet:142: cancelled invoice" in report
    assert summary.relationships_written >= 670_000
    print(f"\nOnline Retail: loaded in {seconds:.1f} s; {summary.relationships_per_second:,.0f} relationships/s")
