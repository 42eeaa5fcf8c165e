"""UCI Online Retail: a UK gift-ware shop's invoice lines, 2010-12-01 to 2011-12-09, as canonical tables.

Source, in order: ``--path`` (a parquet or CSV file, the UCI ``Online Retail.xlsx``, or its zip, or a
folder holding one), else ``$SHOPGRAPH_DATA_DIR/online-retail/``, else the UCI original downloaded once
into the cache folder.

Cleaning follows ``shared/data/online-retail/README.md``: cancellations (invoice ``C...``), lines without
a customer, and lines with ``Quantity <= 0`` or ``UnitPrice <= 0`` are left out; so are lines whose stock
code is not a product (postage, fees, manual adjustments...). Each line left out is a ``Rejection``
naming its row and reason. What remains:

- products: one per stock code; name = its most recent description, title-cased; price = its most
  recent unit price, in pounds sterling (``GBP``: the retailer is British and invoiced in sterling); a
  two-level category from ``loaders.retail_categories``;
- users: one per customer, with the country of their latest invoice;
- events: one ``purchase`` per invoice line (order_id = InvoiceNo, value = Quantity, price = UnitPrice).
"""
from __future__ import annotations

import io
import re
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from shopgraph.loaders import categories as category_paths
from shopgraph.loaders import sources
from shopgraph.loaders.retail_categories import categorise
from shopgraph.loaders.tables import EVENT_COLUMNS, PRODUCT_COLUMNS, USER_COLUMNS, Rejection, Tables

UCI_URL = "https://archive.ics.uci.edu/static/public/352/online+retail.zip"
SHARED_FOLDER = "online-retail"
#: The UCI data carries no currency column: the retailer is a UK company and its unit prices are in sterling.
CURRENCY = "GBP"

#: Real products have a five-digit stock code, sometimes with a variant letter (``85123A``).
PRODUCT_CODE = re.compile(r"^\d{5}[A-Za-z]*$")
#: Codes that are not products: postage, carriage, fees, samples, manual adjustments, discounts.
#: Most fail PRODUCT_CODE anyway; listed so the intent is on record.
NON_PRODUCT_CODES = frozenset({
    "POST", "DOT", "M", "m", "C2", "PADS", "BANK CHARGES", "AMAZONFEE", "CRUK", "D", "S", "B",
})
#: Service lines that carry a product-like code: a shop must not recommend a delivery charge.
SERVICE_CODES = {"23444": "Next Day Carriage", "23574": "PACKING CHARGE", "23702": "High Resolution Image"}

COLUMNS = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"]
#: The "Online Retail II" release names some columns differently.
_RENAMES = {"Invoice": "InvoiceNo", "Price": "UnitPrice", "Customer ID": "CustomerID"}


def is_product_code(code: str) -> bool:
    return bool(PRODUCT_CODE.match(code)) and code not in NON_PRODUCT_CODES and code not in SERVICE_CODES


# -- finding and reading the file ------------------------------------------------------------------
def locate(path: Path | None = None) -> Path:
    """The source file to read; downloads the UCI original only when nothing local exists."""
    if path is not None:
        path = sources.require(Path(path))
        return _file_in(path) if path.is_dir() else path
    shared = sources.shared_folder(SHARED_FOLDER)
    if shared is not None:
        return _file_in(shared)
    return sources.download(UCI_URL, sources.cache_dir() / "online-retail" / "online+retail.zip")


def _file_in(folder: Path) -> Path:
    for pattern in ("*.parquet", "*.xlsx", "*.zip", "*.csv"):
        found = sorted(folder.glob(pattern))
        if found:
            return found[0]
    raise FileNotFoundError(f"{folder} holds no Online Retail file (.parquet, .xlsx, .zip or .csv)")


def read_lines(source: Path) -> tuple[pd.DataFrame, str, int]:
    """The raw invoice lines with normalised columns, the name to cite in rejections, and the
    offset from a row's position to its line number in that file (the header takes line 1)."""
    suffix = source.suffix.lower()
    if suffix == ".zip":
        with zipfile.ZipFile(source) as archive:
            members = [m for m in archive.namelist() if m.lower().endswith((".xlsx", ".csv", ".parquet"))]
            if not members:
                raise ValueError(f"{source.name} holds no .xlsx, .csv or .parquet file")
            member = members[0]
            frame = _read_table(io.BytesIO(archive.read(member)), Path(member).suffix.lower(), source.name)
        name, suffix = f"{source.name}:{member}", Path(member).suffix.lower()
    else:
        frame, name = _read_table(source, suffix, source.name), source.name
    offset = 1 if suffix == ".parquet" else 2
    return _normalise(frame, name), name, offset


def _read_table(source, suffix: str, name: str) -> pd.DataFrame:
    try:
        if suffix == ".parquet":
            return pd.read_parquet(source)
        if suffix == ".xlsx":
            return pd.read_excel(source, engine="openpyxl", dtype={"InvoiceNo": str, "StockCode": str})
        if suffix == ".csv":
            return pd.read_csv(source, dtype={"InvoiceNo": str, "StockCode": str, "Description": str},
                               encoding_errors="replace")
    except (OSError, ValueError) as error:
        raise ValueError(f"{name}: cannot read it as {suffix.lstrip('.')} ({error})") from error
    raise ValueError(f"{name}: expected a .parquet, .csv, .xlsx or .zip file")


def _normalise(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    frame = frame.rename(columns=_RENAMES)
    missing = [column for column in COLUMNS if column not in frame.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}")
    out = pd.DataFrame({
        "InvoiceNo": _text(frame["InvoiceNo"]),
        "StockCode": _text(frame["StockCode"]),
        "Description": frame["Description"].astype("string").str.strip(),
        "Quantity": pd.to_numeric(frame["Quantity"], errors="coerce"),
        "InvoiceDate": _timestamps(frame["InvoiceDate"]),
        "UnitPrice": pd.to_numeric(frame["UnitPrice"], errors="coerce"),
        "CustomerID": _customer_ids(frame["CustomerID"]),
        "Country": frame["Country"].astype("string").str.strip(),
    })
    if out["InvoiceDate"].dt.tz is not None:
        out["InvoiceDate"] = out["InvoiceDate"].dt.tz_convert("UTC").dt.tz_localize(None)
    return out


def _timestamps(column: pd.Series) -> pd.Series:
    """Invoice dates; text in the format of the first one (``12/1/2010 8:26`` in UCI's CSV exports).
    A date that does not parse becomes NaT and its line is rejected, so pandas' "could not infer
    format" note says nothing the rejections do not."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return column
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Could not infer format", category=UserWarning)
        return pd.to_datetime(column, errors="coerce")


def _text(column: pd.Series) -> pd.Series:
    """Codes as text: Excel hands some over as numbers (``536365`` or ``536365.0``)."""
    text = column.astype("string").str.strip()
    return text.str.replace(r"^(\d+)\.0$", r"\1", regex=True)


def _customer_ids(column: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(column, errors="coerce")
    return numbers.astype("Int64").astype("string")


# -- cleaning -----------------------------------------------------------------------------------
def clean(lines: pd.DataFrame, name: str, line_offset: int) -> tuple[pd.DataFrame, list[Rejection]]:
    """The lines a shop would count as sales, and a Rejection for every other line (first reason wins)."""
    line_numbers = np.arange(len(lines)) + line_offset
    checks = [
        (lines["InvoiceNo"].str.startswith("C", na=False), "cancelled invoice"),
        (lines["InvoiceNo"].isna(), "missing InvoiceNo"),
        (lines["CustomerID"].isna(), "no CustomerID"),
        (lines["InvoiceDate"].isna(), "missing or unreadable InvoiceDate"),
        (~(lines["Quantity"] > 0), "Quantity <= 0"),
        (~(lines["UnitPrice"] > 0), "UnitPrice <= 0"),
        (~lines["StockCode"].fillna("").map(is_product_code).astype(bool), None),
    ]
    rejected: list[Rejection] = []
    left_out = np.zeros(len(lines), dtype=bool)
    for mask, reason in checks:
        hits = mask.to_numpy(dtype=bool, na_value=True) & ~left_out
        if reason is None:  # name the code: "stock code POST is not a product" groups usefully
            codes = lines["StockCode"].to_numpy()[hits]
            rejected.extend(Rejection(name, int(line), f"stock code {code} is not a product")
                            for line, code in zip(line_numbers[hits], codes, strict=True))
        else:
            rejected.extend(Rejection(name, int(line), reason) for line in line_numbers[hits])
        left_out |= hits
    return lines[~left_out].reset_index(drop=True), rejected


# -- the tables ---------------------------------------------------------------------------------
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with", "w"}
_ACRONYMS = {"LED", "USB", "UK", "USA", "DVD", "CD", "DIY", "PC", "XL", "TV", "OK", "I"}


def shop_title(description: str) -> str:
    """``"SET OF 3 CAKE TINS PANTRY DESIGN "`` -> ``"Set of 3 Cake Tins Pantry Design"``.

    Unlike ``str.title`` it keeps ``Girl's`` and ``T-Light``, leaves small words and sizes such as
    ``25x24x12cm`` alone, and keeps acronyms (``LED``) upper-case.
    """
    words = str(description).split()
    titled = []
    for position, word in enumerate(words):
        lower = word.lower()
        if word.upper() in _ACRONYMS:
            titled.append(word.upper())
        elif any(ch.isdigit() for ch in word):
            titled.append(lower)
        elif position > 0 and lower in _SMALL_WORDS:
            titled.append(lower)
        else:
            titled.append(re.sub(r"(^|[-/(+&.])([a-z])", lambda m: m.group(1) + m.group(2).upper(), lower))
    return " ".join(titled)


def _products(sales: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    by_code = sales.sort_values("InvoiceDate", kind="stable").groupby("StockCode", sort=True)
    latest = by_code.last()  # the most recent non-null description and price of each code
    first_sold = by_code["InvoiceDate"].min()
    names = latest["Description"].fillna(pd.Series(latest.index, index=latest.index)).map(shop_title)
    paths = [categorise(name) for name in names]
    categories = category_paths.tree(sorted(set(paths)))
    category_ids = [category_paths.category_id(path) for path in paths]
    products = pd.DataFrame({
        "id": latest.index.astype(str),
        "name": names.to_numpy(),
        "description": latest["Description"].to_numpy(dtype=object),
        "price": latest["UnitPrice"].to_numpy(dtype=float),
        "currency": CURRENCY,
        "imageUrl": None,
        "brand": None,
        "categoryId": category_ids,
        "tags": [[] for _ in range(len(latest))],
        "avgRating": np.full(len(latest), np.nan),
        "ratingCount": np.zeros(len(latest), dtype=int),
        "createdAt": first_sold.to_numpy(),
        "categoryIds": [[category] for category in category_ids],
    }, columns=PRODUCT_COLUMNS)
    return products, categories


def _users(sales: pd.DataFrame) -> pd.DataFrame:
    by_customer = sales.sort_values("InvoiceDate", kind="stable").groupby("CustomerID", sort=True)
    return pd.DataFrame({
        "id": by_customer["Country"].last().index.astype(str),
        "name": None,
        "country": by_customer["Country"].last().to_numpy(dtype=object),
        "createdAt": by_customer["InvoiceDate"].min().to_numpy(),
    }, columns=USER_COLUMNS)


def _events(sales: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "user_id": sales["CustomerID"].astype(str).to_numpy(dtype=object),
        "product_id": sales["StockCode"].astype(str).to_numpy(dtype=object),
        "type": "purchase",
        "value": sales["Quantity"].to_numpy(dtype=float),
        "timestamp": sales["InvoiceDate"].to_numpy(),
        "order_id": sales["InvoiceNo"].astype(str).to_numpy(dtype=object),
        "price": sales["UnitPrice"].to_numpy(dtype=float),
    }, columns=EVENT_COLUMNS)


def read(path: Path | None = None) -> Tables:
    source = locate(path)
    lines, name, offset = read_lines(source)
    sales, rejected = clean(lines, name, offset)
    products, categories = _products(sales)
    return Tables(
        dataset="online-retail",
        products=products,
        categories=categories,
        users=_users(sales),
        events=_events(sales),
        rejected=rejected,
    )
