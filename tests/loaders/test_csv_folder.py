"""A shop's own CSV folder: the example under tests/data loads completely, twice without change, and a
malformed folder loads its good rows while every bad one is reported with file, line and problem."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from shopgraph import loaders
from shopgraph.cli import main
from shopgraph.loaders import csv_folder
from shopgraph.loaders.writer import graph_counts

EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "csv-example"


def test_the_example_loads_completely(graph):
    summary = loaders.load(graph, "csv", path=EXAMPLE, progress=False)
    counts = graph_counts(graph)
    assert {label: counts[label] for label in ("Product", "Category", "Brand", "Tag", "User", "Order")} == \
        {"Product": 10, "Category": 6, "Brand": 5, "Tag": 13, "User": 4, "Order": 5}
    assert {kind: counts[kind] for kind in ("CONTAINS", "PURCHASED", "RATED", "VIEWED", "LIKED", "DISLIKED",
                                            "ADDED_TO_CART", "IN_CATEGORY", "PARENT_OF")} == \
        {"CONTAINS": 10, "PURCHASED": 9, "RATED": 4, "VIEWED": 5, "LIKED": 1, "DISLIKED": 1,
         "ADDED_TO_CART": 2, "IN_CATEGORY": 9, "PARENT_OF": 4}
    assert not summary.rejected
    assert "No rows rejected." in summary.report()


def test_the_example_reads_as_a_shopper_did(graph):
    loaders.load(graph, "csv", path=EXAMPLE, progress=False)
    bo = graph.read_one(
        "MATCH (:User {id: 'bo'})-[r:PURCHASED]->(:Product {id: 'MUG-2'}) RETURN r.count AS count, r.quantity AS qty"
    )
    assert bo == {"count": 2, "qty": 3.0}
    views = graph.read_value("MATCH (:User {id: 'ada'})-[v:VIEWED]->(:Product {id: 'MUG-1'}) RETURN v.count AS n")
    assert views == 2
    # a purchase without an order id is grouped by user and moment; a line without a price paid
    # gets the catalogue price
    order = graph.read_one(
        "MATCH (:User {id: 'di'})-[:PLACED]->(o:Order)-[c:CONTAINS]->(p:Product {id: 'TOOL-2'}) "
        "RETURN o.id AS id, c.price AS price"
    )
    assert order == {"id": "di@2024-03-15T11:30:00", "price": 21.0}
    rating = graph.read_one("MATCH (p:Product {id: 'TEA-2'}) RETURN p.avgRating AS avg, p.ratingCount AS n")
    assert rating == {"avg": 3.0, "n": 1}
    tools = graph.read_one(
        "MATCH (:Category {id: 'garden'})-[:PARENT_OF]->(c:Category)<-[:IN_CATEGORY]-(p:Product) "
        "WHERE c.name = 'Tools' RETURN count(p) AS n, collect(p.categoryPath)[0] AS path"
    )
    assert tools == {"n": 2, "path": "Garden > Tools"}
    # products.csv names no currency, so the products have none and the shop shows its own
    assert graph.read_value("MATCH (p:Product) WHERE p.currency IS NOT NULL RETURN count(p) AS n") == 0


def test_a_reload_gives_identical_counts(graph):
    loaders.load(graph, "csv", path=EXAMPLE, progress=False)
    first = graph_counts(graph)
    again = loaders.load(graph, "csv", path=EXAMPLE, progress=False)
    assert graph_counts(graph) == first
    assert set(again.created.values()) == {0}


@pytest.fixture
def malformed(tmp_path) -> Path:
    (tmp_path / "products.csv").write_text(
        "id,name,description,price,imageUrl,brand,category,tags\n"
        "P1,Good Mug,,4.50,,Kiln,Kitchen > Mugs,mug\n"          # line 2: good
        "P2,Cheap Mug,,free,,Kiln,Kitchen > Mugs,\n"            # line 3: bad price
        ",No Id,,1,,,,\n"                                       # line 4: missing id
        "P1,Twin,,1,,,,\n"                                      # line 5: duplicate id
        "P3,Too,Many,Fields,1,,,,\n"                            # line 6: wrong field count
        "P4,Odd Image,,2,javascript:alert(1),,,\n"              # line 7: bad imageUrl
        "P5,Teapot,,12,,,Kitchen > Teapots,\n"                  # line 8: good
    )
    (tmp_path / "users.csv").write_text("id,name,country\nu1,Una,Ireland\nu2,,\n")
    (tmp_path / "events.csv").write_text(
        "user_id,product_id,type,value,timestamp,order_id\n"
        "u1,P1,purchase,2,2024-01-02T10:00:00Z,O1\n"            # line 2: good
        "u1,P1,click,,2024-01-02T10:00:00Z,\n"                  # line 3: unknown type
        "u1,P5,rate,7,2024-01-02T10:00:00Z,\n"                  # line 4: rating outside 1-5
        "u1,P404,view,,2024-01-02T10:00:00Z,\n"                 # line 5: unknown product
        "u1,P5,view,,yesterday,\n"                              # line 6: bad timestamp
        "u9,P5,view,,2024-01-02T10:00:00Z,\n"                   # line 7: unknown user
        "u2,P1,purchase,1,2024-01-03T10:00:00Z,O1\n"            # line 8: someone else's order
        "u2,P2,view,,2024-01-03T10:00:00Z,\n"                   # line 9: product rejected above
        "u2,P5,rate,4,1704276000,\n"                            # line 10: good (Unix seconds)
    )
    return tmp_path


def test_bad_rows_are_reported_and_good_rows_load(graph, malformed):
    summary = loaders.load(graph, "csv", path=malformed, progress=False)
    reported = {f"{r.file}:{r.line}": r.reason for r in summary.rejected}
    assert reported == {
        "products.csv:3": "bad price: 'free' (expected a number >= 0)",
        "products.csv:4": "missing id",
        "products.csv:5": "duplicate product id: 'P1' (first on line 2)",
        "products.csv:6": "wrong number of fields: expected 8, found 9",
        "products.csv:7": "bad imageUrl: 'javascript:alert(1)' (expected an http(s) URL or a /path)",
        "events.csv:3": "unknown event type: 'click' (expected one of view, rate, like, dislike, cart, purchase)",
        "events.csv:4": "rating outside 1-5: '7'",
        "events.csv:5": "unknown product: 'P404' is not in products.csv",
        "events.csv:6": "bad timestamp: 'yesterday' (expected ISO 8601 such as 2024-05-01T12:30:00Z, or Unix seconds)",
        "events.csv:7": "unknown user: 'u9' is not in users.csv",
        "events.csv:8": "order of another user: order 'O1' belongs to user 'u1'",
        "events.csv:9": "unknown product: 'P2' is not in products.csv",
    }
    counts = graph_counts(graph)
    assert (counts["Product"], counts["User"], counts["Order"], counts["RATED"]) == (2, 2, 1, 1)
    report = summary.report(limit=50)
    assert "12 source rows rejected:" in report
    assert "  unknown product: 2 rows" in report
    assert "    events.csv:6: bad timestamp: 'yesterday'" in report


def test_prices_carry_their_currency_and_a_bad_code_is_reported(graph, tmp_path):
    (tmp_path / "products.csv").write_text(
        "id,name,price,currency\n"
        "P1,Mug,4.50,EUR\n"
        "P2,Pan,12.50,chf\n"          # line 3: a code in lower case is still a code
        "P3,Jug,3.00,\n"              # line 4: none given, so the load's default
        "P4,Cup,2.00,dollars\n"       # line 5: not a code
    )
    summary = loaders.load(graph, "csv", path=tmp_path, progress=False, currency="usd")
    assert [(r.file, r.line, r.reason) for r in summary.rejected] == [
        ("products.csv", 5, "bad currency: 'dollars' (expected a three-letter ISO 4217 code such as USD)")]
    currencies = graph.read("MATCH (p:Product) RETURN p.id AS id, p.currency AS currency ORDER BY id")
    assert {row["id"]: row["currency"] for row in currencies} == {"P1": "EUR", "P2": "CHF", "P3": "USD"}
    # without a default, a product whose row names no currency has none (the shop shows its own)
    loaders.load(graph, "csv", path=tmp_path, progress=False)
    assert graph.read_value("MATCH (p:Product {id: 'P3'}) RETURN p.currency AS c") is None


def test_a_default_currency_that_is_not_a_code_stops_the_load_before_it_writes(graph):
    with pytest.raises(ValueError, match=r"bad currency: 'pounds'"):
        loaders.load(graph, "csv", path=EXAMPLE, progress=False, currency="pounds")
    assert graph.read_value("MATCH (p:Product) RETURN count(p) AS n") == 0


def test_shopgraph_load_takes_a_default_currency(graph, neo4j_settings, monkeypatch):
    for name, value in (("NEO4J_URI", neo4j_settings.uri), ("NEO4J_USER", neo4j_settings.user),
                        ("NEO4J_PASSWORD", neo4j_settings.password)):
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["load", "csv", "--path", str(EXAMPLE), "--currency", "EUR"])
    assert result.exit_code == 0, result.output
    assert graph.read_value("MATCH (p:Product) RETURN collect(DISTINCT p.currency) AS c") == ["EUR"]
    refused = CliRunner().invoke(main, ["load", "csv", "--path", str(EXAMPLE), "--currency", "€"])
    assert refused.exit_code == 1 and "bad currency: '€'" in refused.output


def test_a_category_file_with_problems(tmp_path):
    (tmp_path / "categories.csv").write_text(
        "id,name,parentId\nhome,Home,\nmugs,Mugs,home\nloop-a,A,loop-b\nloop-b,B,loop-a\n"
        "orphan,Orphan,nowhere\nhome,Again,\n"
    )
    (tmp_path / "products.csv").write_text("id,name,category\nP1,Mug,mugs\nP2,Pan,Kitchen > Pans\n")
    tables = csv_folder.read(tmp_path)
    reasons = {r.line: r.reason for r in tables.rejected}
    assert reasons[6] == "unknown parent category: 'nowhere'"
    assert reasons[7] == "duplicate category id: 'home' (first on line 2)"
    assert reasons[4].startswith("category cycle") and reasons[5].startswith(("category cycle", "unknown parent"))
    assert set(tables.categories["id"]) == {"home", "mugs", "kitchen", "kitchen--pans"}
    assert tables.products.set_index("id")["categoryId"].to_dict() == {"P1": "mugs", "P2": "kitchen--pans"}


def test_a_folder_without_products_or_columns_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="holds no products.csv"):
        csv_folder.read(tmp_path)
    (tmp_path / "products.csv").write_text("sku,title\n1,Mug\n")
    with pytest.raises(ValueError, match=r"products.csv:1: missing column\(s\) id, name"):
        csv_folder.read(tmp_path)
    with pytest.raises(ValueError, match="--path"):
        csv_folder.read(None)


def test_bytes_that_are_not_utf8_reject_only_their_line(tmp_path):
    (tmp_path / "products.csv").write_bytes(b"id,name\nP1,Mug\nP2,Caf\xe9 Cup\nP3,Pan\n")
    tables = csv_folder.read(tmp_path)
    assert tables.products["id"].tolist() == ["P1", "P3"]
    assert [(r.file, r.line) for r in tables.rejected] == [("products.csv", 3)]
    assert "not UTF-8" in tables.rejected[0].reason
