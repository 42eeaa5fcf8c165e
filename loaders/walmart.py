"""The Walmart product sample (PromptCloud, 5,000 rows, 2020): a catalogue with aggregate ratings, no shoppers.

Source: ``--path`` (the zip, the TSV inside it, or a folder holding either), else
``$SHOPGRAPH_DATA_DIR/walmart-5k/``. The sample carries no licence, so it is never downloaded or copied.

- ``Product Category`` (``Beauty > Hair Care > Hair Color``) becomes the category tree; rows without
  one go under ``Other``;
- brand, price and its ``Product Currency`` (an ISO 4217 code: ``USD`` throughout the sample; a value that
  is not a code leaves the product without one), the first of the ``|``-joined image URLs,
  ``Product Rating`` as avgRating and ``Product Reviews Count`` as ratingCount;
- tags: the short descriptive phrases of ``Product Tags`` (the store's own ``Wal-mart``/``Walmart.com``,
  sizes and whole product names left out), lower-cased;
- a product id that repeats keeps its most recently crawled row; the others are reported as rejected.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from shopgraph.loaders import categories as category_paths
from shopgraph.loaders import sources
from shopgraph.loaders.tables import PRODUCT_COLUMNS, Rejection, Tables, currency_code

SHARED_FOLDER = "walmart-5k"
UNCATEGORISED = ("Other",)
_STORE_TAGS = {"wal-mart", "walmart.com", "walmart"}
_NO_BRAND = {"NA", "N/A", "NONE", "NULL", "-"}  # placeholders, not brands
COLUMNS = ["Product Id", "Product Name", "Product Brand", "Product Category", "Product Description",
           "Product Image Url", "Product Tags", "Product Price", "Product Currency", "Product Rating",
           "Product Reviews Count", "Crawl Timestamp"]


def locate(path: Path | None = None) -> Path:
    if path is None:
        shared = sources.shared_folder(SHARED_FOLDER)
        if shared is None:
            raise FileNotFoundError(
                "no Walmart sample found: pass the zip or TSV with --path, or set SHOPGRAPH_DATA_DIR to the "
                f"folder holding {SHARED_FOLDER}/"
            )
        path = shared
    path = sources.require(Path(path))
    if path.is_dir():
        found = sorted(path.glob("*.zip")) + sorted(path.glob("*.tsv"))
        if not found:
            raise FileNotFoundError(f"{path} holds no Walmart sample (.zip or .tsv)")
        path = found[0]
    return path


def read_rows(source: Path) -> tuple[pd.DataFrame, str]:
    """The TSV's rows (all text) and the name to cite in rejections."""
    if source.suffix.lower() == ".zip":
        with zipfile.ZipFile(source) as archive:
            members = [name for name in archive.namelist() if name.lower().endswith(".tsv")]
            if not members:
                raise ValueError(f"{source.name} holds no .tsv file")
            with archive.open(members[0]) as handle:
                frame = _read_tsv(handle, members[0])
            return frame, source.name  # the zip holds one TSV; its name is long and says nothing more
    return _read_tsv(source, source.name), source.name


def _read_tsv(handle, name: str) -> pd.DataFrame:
    try:
        frame = pd.read_csv(handle, sep="\t", dtype=str, keep_default_na=False, na_values=[""],
                            encoding_errors="replace")
    except (ValueError, pd.errors.ParserError) as error:
        raise ValueError(f"{name}: not a readable tab-separated file ({error})") from error
    missing = [column for column in ("Product Id", "Product Name") if column not in frame.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {', '.join(missing)}")
    for column in COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    return frame


def tags_of(text: str | None, name: str | None, brand: str | None) -> list[str]:
    """Descriptive phrases from ``Product Tags``: 1-4 words, no sizes or counts, not the store or brand."""
    if not isinstance(text, str):
        return []
    skip = {str(value).strip().lower() for value in (name, brand) if isinstance(value, str)} | _STORE_TAGS
    tags = []
    for part in text.split(","):
        tag = " ".join(part.split()).strip(" .").lower()
        if not tag or tag in skip or re.search(r"\d", tag) or len(tag.split()) > 4:
            continue
        tags.append(tag)
    return sorted(set(tags))


def _first_image(urls: str | None) -> str | None:
    if not isinstance(urls, str):
        return None
    first = urls.split("|")[0].strip()
    return first or None


def read(path: Path | None = None) -> Tables:
    source = locate(path)
    frame, name = read_rows(source)
    frame["line"] = np.arange(len(frame)) + 2  # the header is line 1
    frame["Product Id"] = frame["Product Id"].str.strip()
    frame["Product Name"] = frame["Product Name"].str.strip()
    rejected = [Rejection(name, int(line), "missing Product Id")
                for line in frame.loc[frame["Product Id"].isna(), "line"]]
    rejected += [Rejection(name, int(line), "missing Product Name")
                 for line in frame.loc[frame["Product Id"].notna() & frame["Product Name"].isna(), "line"]]
    rows = frame[frame["Product Id"].notna() & frame["Product Name"].notna()].copy()

    rows["crawled"] = (pd.to_datetime(rows["Crawl Timestamp"], utc=True, format="mixed", errors="coerce")
                       .dt.tz_localize(None))
    rows = rows.sort_values(["crawled", "line"], kind="stable", na_position="first")
    kept = rows.groupby("Product Id", sort=False).tail(1)
    kept_line = dict(zip(kept["Product Id"], kept["line"], strict=True))
    repeats = rows.drop(index=kept.index)
    rejected += [Rejection(name, int(line), f"repeated Product Id: {product} (kept line {kept_line[product]})")
                 for line, product in zip(repeats["line"], repeats["Product Id"], strict=True)]
    first_seen = rows.groupby("Product Id")["crawled"].min()
    kept = kept.sort_values("line")

    paths = [tuple(category_paths.split_path(text)) if isinstance(text, str) and text.strip() else UNCATEGORISED
             for text in kept["Product Category"]]
    paths = [path or UNCATEGORISED for path in paths]
    category_ids = [category_paths.category_id(path) for path in paths]
    brands = kept["Product Brand"].str.strip()
    brands = brands.where(~brands.str.upper().isin(_NO_BRAND))
    products = pd.DataFrame({
        "id": kept["Product Id"].to_numpy(),
        "name": kept["Product Name"].to_numpy(),
        "description": kept["Product Description"].str.strip().to_numpy(),
        "price": pd.to_numeric(kept["Product Price"], errors="coerce").to_numpy(),
        "currency": [currency_code(text) for text in kept["Product Currency"]],
        "imageUrl": [_first_image(urls) for urls in kept["Product Image Url"]],
        "brand": brands.to_numpy(),
        "categoryId": category_ids,
        "tags": [tags_of(tags, product_name, brand)
                 for tags, product_name, brand in zip(kept["Product Tags"], kept["Product Name"], brands, strict=True)],
        "avgRating": pd.to_numeric(kept["Product Rating"], errors="coerce").to_numpy(),
        "ratingCount": pd.to_numeric(kept["Product Reviews Count"], errors="coerce").fillna(0).astype(int).to_numpy(),
        "createdAt": first_seen.reindex(kept["Product Id"]).to_numpy(),
        "categoryIds": [[category] for category in category_ids],
    }, columns=PRODUCT_COLUMNS)
    products["price"] = products["price"].where(products["price"] > 0)
    return Tables(
        dataset="walmart",
        products=products.reset_index(drop=True),
        categories=category_paths.tree(sorted(set(paths))),
        rejected=sorted(rejected, key=lambda rejection: rejection.line or 0),
    )
