"""Online Retail from the other places it can come from (CSV, the UCI workbook, its zip, a download),
the cleaning rules, names and categories, and an idempotent reload: on small files made here."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from shopgraph import loaders
from shopgraph.loaders import online_retail
from shopgraph.loaders.online_retail import is_product_code, shop_title
from shopgraph.loaders.retail_categories import categorise
from shopgraph.loaders.writer import graph_counts
from tests.conftest import data_dir

HEADER = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"]
LINES = [
    ["536365", "85123A", "WHITE HANGING HEART T-LIGHT HOLDER", 6, "2010-12-01 08:26", 2.55, 17850, "United Kingdom"],
    ["536365", "71053", "WHITE METAL LANTERN", 6, "2010-12-01 08:26", 3.39, 17850, "United Kingdom"],
    ["536366", "22633", "HAND WARMER UNION JACK", 6, "2010-12-01 08:28", 1.85, 17850, "United Kingdom"],
    ["536367", "84879", "ASSORTED COLOUR BIRD ORNAMENT", 32, "2010-12-01 08:34", 1.69, 13047, "United Kingdom"],
    ["536367", "POST", "POSTAGE", 1, "2010-12-01 08:34", 18.0, 13047, "United Kingdom"],
    ["C536379", "22633", "HAND WARMER UNION JACK", -1, "2010-12-01 09:41", 1.85, 17850, "United Kingdom"],
    ["536414", "22139", None, 56, "2010-12-01 11:52", 0.0, None, "United Kingdom"],
    ["536415", "22139", "RETROSPOT TEA SET CERAMIC 11 PC", 2, "2010-12-01 11:57", 4.95, None, "United Kingdom"],
    ["536420", "85123A", "CREAM HANGING HEART T-LIGHT HOLDER", 12, "2011-01-05 10:00", 2.95, 12583, "France"],
    ["536421", "71053", "WHITE METAL LANTERN", 0, "2011-01-05 10:01", 3.39, 12583, "France"],
    ["536422", "23444", "Next Day Carriage", 1, "2011-01-05 10:02", 15.0, 12583, "France"],
]


def write_csv(folder: Path) -> Path:
    path = folder / "retail.csv"
    pd.DataFrame(LINES, columns=HEADER).to_csv(path, index=False)
    return path


def write_xlsx(folder: Path) -> Path:
    frame = pd.DataFrame(LINES, columns=HEADER)
    frame["InvoiceDate"] = pd.to_datetime(frame["InvoiceDate"])
    path = folder / "Online Retail.xlsx"
    frame.to_excel(path, index=False, engine="openpyxl")
    return path


def test_cleaning_keeps_only_sales_of_products(tmp_path):
    tables = online_retail.read(write_csv(tmp_path))
    assert sorted(tables.products["id"]) == sorted(["85123A", "71053", "22633", "84879"])
    assert sorted(tables.users["id"]) == ["12583", "13047", "17850"]
    assert len(tables.events) == 5
    reasons = {(r.line, r.reason) for r in tables.rejected}
    assert reasons == {
        (6, "stock code POST is not a product"),
        (7, "cancelled invoice"),
        (8, "no CustomerID"),
        (9, "no CustomerID"),
        (11, "Quantity <= 0"),
        (12, "stock code 23444 is not a product"),
    }
    assert all(r.file == "retail.csv" for r in tables.rejected)


def test_products_take_their_latest_description_and_price(tmp_path):
    tables = online_retail.read(write_csv(tmp_path))
    heart = tables.products.set_index("id").loc["85123A"]
    assert heart["name"] == "Cream Hanging Heart T-Light Holder"
    assert heart["price"] == 2.95
    assert set(tables.products["currency"]) == {"GBP"}  # a UK retailer, invoicing in sterling
    assert heart["categoryId"] == "lights-candles--candle-holders"
    france = tables.users.set_index("id").loc["12583"]
    assert france["country"] == "France"


@pytest.mark.parametrize("make", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_csv_and_the_uci_workbook_read_the_same(tmp_path, make):
    tables = online_retail.read(make(tmp_path))
    assert sorted(tables.products["id"]) == sorted(["85123A", "71053", "22633", "84879"])
    assert tables.events["order_id"].tolist()[0] == "536365"
    assert tables.events["user_id"].tolist()[0] == "17850"


def test_the_uci_zip_and_a_folder_holding_it_are_read(tmp_path):
    workbook = write_xlsx(tmp_path)
    archive = tmp_path / "online+retail.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(workbook, "Online Retail.xlsx")
    workbook.unlink()
    tables = online_retail.read(archive)
    assert len(tables.products) == 4
    assert tables.rejected[0].file == "online+retail.zip:Online Retail.xlsx"
    assert len(online_retail.read(tmp_path).products) == 4


def test_without_a_local_copy_it_downloads_once_into_the_cache(tmp_path, monkeypatch):
    workbook = write_xlsx(tmp_path)
    published = tmp_path / "published.zip"
    with zipfile.ZipFile(published, "w") as out:
        out.write(workbook, "Online Retail.xlsx")
    monkeypatch.delenv("SHOPGRAPH_DATA_DIR", raising=False)
    monkeypatch.setenv("SHOPGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(online_retail, "UCI_URL", published.as_uri())
    assert len(online_retail.read().products) == 4
    cached = tmp_path / "cache" / "online-retail" / "online+retail.zip"
    assert cached.exists()
    published.unlink()  # a second read never goes back to the network
    assert len(online_retail.read().products) == 4


def test_an_unreachable_download_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.delenv("SHOPGRAPH_DATA_DIR", raising=False)
    monkeypatch.setenv("SHOPGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(online_retail, "UCI_URL", (tmp_path / "missing.zip").as_uri())
    with pytest.raises(FileNotFoundError, match="pass the file with --path"):
        online_retail.read()
    assert not list((tmp_path / "cache").rglob("*.part"))


def test_a_file_without_the_columns_is_refused_by_name(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("order,sku\n1,2\n")
    with pytest.raises(ValueError, match=r"orders.csv: missing column\(s\) InvoiceNo"):
        online_retail.read(path)


def test_stock_codes_and_titles():
    assert is_product_code("85123A") and is_product_code("22633")
    for code in ("POST", "DOT", "M", "C2", "PADS", "BANK CHARGES", "AMAZONFEE", "CRUK", "D", "S", "B",
                 "DCGS0003", "gift_0001_10", "23444"):
        assert not is_product_code(code), code
    assert shop_title("SET OF 3 CAKE TINS PANTRY DESIGN ") == "Set of 3 Cake Tins Pantry Design"
    assert shop_title("DOLLY GIRL'S LUNCH BOX") == "Dolly Girl's Lunch Box"
    assert shop_title("WHITE HANGING HEART T-LIGHT HOLDER") == "White Hanging Heart T-Light Holder"
    assert shop_title("THE KING GIFT BAG 25x24x12cm") == "The King Gift Bag 25x24x12cm"
    assert shop_title("LED TEA LIGHTS") == "LED Tea Lights"


@pytest.mark.parametrize("description, path", [
    ("WHITE HANGING HEART T-LIGHT HOLDER", ("Lights & Candles", "Candle Holders")),
    ("JUMBO BAG RED RETROSPOT", ("Bags", "Shopping Bags")),
    ("REGENCY CAKESTAND 3 TIER", ("Home & Kitchen", "Baking")),
    ("PAPER CHAIN KIT 50'S CHRISTMAS", ("Christmas", "Decorations")),
    ("SPACEBOY LUNCH BOX", ("Home & Kitchen", "Kitchen Storage")),
    ("PACK OF 72 RETROSPOT CAKE CASES", ("Home & Kitchen", "Baking")),
    ("CHARLIE LOLA BLUE HOT WATER BOTTLE", ("Home Decor", "Cushions & Throws")),
    ("HEART OF WICKER SMALL", ("Home Decor", "Ornaments & Decorations")),
    ("SOMETHING NOBODY MAKES", ("Gifts & Novelties", "Other Gifts")),
])
def test_keyword_rules_file_products_where_a_shopper_looks(description, path):
    assert categorise(description) == path


def test_a_reload_changes_nothing(graph, tmp_path):
    path = write_csv(tmp_path)
    first = loaders.load(graph, "online-retail", path=path, progress=False)
    counts = graph_counts(graph)
    second = loaders.load(graph, "online-retail", path=path, progress=False)
    assert graph_counts(graph) == counts
    assert set(second.created.values()) == {0}
    assert first.created["Order"] == 4 and first.created["CONTAINS"] == 5 and first.created["PURCHASED"] == 5


def test_the_shared_copy_is_found_without_a_path():
    assert online_retail.locate() == data_dir() / "online-retail" / "online_retail.parquet"
