"""Prices in their product's own currency: the Walmart sample's dollars on pages, in the cart and in the API;
a CSV shop's euros and francs; the shop's configured currency for products whose data named none."""
from __future__ import annotations

import zipfile

import pandas as pd
import pytest
from flask import Flask

from shopgraph import loaders
from shopgraph.webapp import display
from tests.conftest import data_dir

NAIL_POLISH = "2e17bf4acecdece67fc00f07ad62c910"  # the sample's first row: OPI nail polish at 8.95 USD


@pytest.fixture
def walmart_rows(graph, tmp_path):
    """The first rows of the Walmart sample, loaded as `shopgraph load walmart --path FILE` loads them."""
    archive = data_dir() / "walmart-5k" / "walmart-product-review-dataset.zip"
    with zipfile.ZipFile(archive) as opened, opened.open(opened.namelist()[0]) as handle:
        rows = pd.read_csv(handle, sep="\t", dtype=str, nrows=20)
    tsv = tmp_path / "walmart.tsv"
    rows.to_csv(tsv, sep="\t", index=False)
    loaders.load(graph, "walmart", path=tsv, progress=False)
    return graph


def test_a_walmart_product_is_priced_in_dollars(client, walmart_rows):
    page = client.get(f"/products/{NAIL_POLISH}").get_data(as_text=True)
    assert '<p class="price price-large">$8.95</p>' in page
    assert "£" not in page  # nor in the cards of the rows below it
    found = client.get("/search?q=OPI+nail+polish").get_data(as_text=True)
    assert '<p class="price">$8.95</p>' in found
    product = client.get(f"/api/v1/products/{NAIL_POLISH}").get_json()
    assert (product["price"], product["currency"]) == (8.95, "USD")
    listing = client.get("/api/v1/products?per_page=100").get_json()
    assert listing["total"] == 20 and {item["currency"] for item in listing["items"]} == {"USD"}


def test_a_cart_and_an_order_of_dollar_products_total_in_dollars(ada, walmart_rows):
    ada.post_form(f"/products/{NAIL_POLISH}/feedback", {"type": "cart", "value": "2"})
    cart = ada.client.get("/cart").get_data(as_text=True)
    assert "$8.95 each" in cart and "<dd>$17.90</dd>" in cart
    placed = ada.post_form("/checkout", {})
    order = ada.client.get(placed.headers["Location"]).get_data(as_text=True)
    assert "total $17.90" in order and "2 × $8.95" in order


def test_each_product_shows_its_own_currency_and_one_without_shows_the_shops(client, graph, tmp_path):
    (tmp_path / "products.csv").write_text(
        "id,name,price,currency\n"
        "MUG-EUR,Enamel Mug,4.50,EUR\n"
        "POT-CHF,Fondue Pot,1234.50,CHF\n"
        "TOWEL,Tea Towel,3.00,\n"
    )
    loaders.load(graph, "csv", path=tmp_path, progress=False)
    prices = {product_id: client.get(f"/products/{product_id}").get_data(as_text=True)
              for product_id in ("MUG-EUR", "POT-CHF", "TOWEL")}
    assert '<p class="price price-large">€4.50</p>' in prices["MUG-EUR"]
    assert '<p class="price price-large">CHF 1,234.50</p>' in prices["POT-CHF"]
    assert '<p class="price price-large">£3.00</p>' in prices["TOWEL"]  # the shop's own currency
    listing = client.get("/api/v1/products").get_json()
    assert {item["id"]: item["currency"] for item in listing["items"]} == \
        {"MUG-EUR": "EUR", "POT-CHF": "CHF", "TOWEL": "GBP"}


def test_the_money_filter_writes_each_currency_its_way():
    app = Flask(__name__)
    display.register(app)
    money = app.jinja_env.filters["money"]
    assert [money(8.95, "USD"), money(4.5, "EUR"), money(2.5, "GBP"), money(1234.5, "CHF")] == \
        ["$8.95", "€4.50", "£2.50", "CHF 1,234.50"]
    assert money(2.5) == money(2.5, None) == "£2.50"  # no currency of its own: the shop's
    assert money(None, "USD") == "Price on request"
    dollar_shop = Flask(__name__)
    dollar_shop.config["CURRENCY"] = "USD"
    display.register(dollar_shop)
    assert dollar_shop.jinja_env.filters["money"](2.5) == "$2.50"
