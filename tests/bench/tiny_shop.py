"""A tiny Online Retail file (the UCI invoice-line columns, as CSV) for benchmark smoke tests."""
from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

PRODUCTS = {
    "10001": ("RED HEART LANTERN", 2.95),
    "10002": ("WHITE HEART LANTERN", 2.95),
    "10003": ("VINTAGE CHRISTMAS CANDLE", 1.25),
    "10004": ("VINTAGE TEA CUP AND SAUCER", 3.75),
    "10005": ("BLUE POLKADOT MUG", 1.65),
    "10006": ("RED POLKADOT MUG", 1.65),
    "10007": ("JUMBO BAG RED RETROSPOT", 2.08),
    "10008": ("JUMBO BAG VINTAGE PAISLEY", 2.08),
    "10009": ("SET OF 3 CAKE TINS PANTRY DESIGN", 4.95),
    "10010": ("PARTY BUNTING", 4.95),
    "10011": ("CHRISTMAS STAR WOODEN DECORATION", 0.85),
    "10012": ("HEART WICKER WREATH", 3.45),
}
CUSTOMERS = [f"{12001 + n}" for n in range(8)]
COLUMNS = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"]


def write_invoices(path: Path, invoices: int = 24, seed: int = 7) -> Path:
    """``invoices`` baskets of 2-4 products by 8 customers over 2011; returns ``path``."""
    rng = random.Random(seed)
    start = datetime(2011, 1, 4, 9, 0)
    codes = sorted(PRODUCTS)
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for number in range(invoices):
            customer = CUSTOMERS[number % len(CUSTOMERS)]
            at = start + timedelta(days=13 * number, hours=rng.randrange(8))
            for code in rng.sample(codes, rng.randint(2, 4)):
                name, price = PRODUCTS[code]
                writer.writerow([str(536000 + number), code, name, rng.randint(1, 12),
                                 at.strftime("%Y-%m-%d %H:%M:%S"), price, customer, "United Kingdom"])
    return path
