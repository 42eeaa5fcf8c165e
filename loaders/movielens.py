"""MovieLens 100K (GroupLens): 943 users' 100,000 ratings of 1,682 films, 1997-98.

Source: ``--path`` (a folder or zip with RecBole's atomic files ``ml-100k.inter/.item/.user``, the
RecBole wheel itself, or GroupLens' original ``u.data``/``u.item``/``u.user`` folder or ``ml-100k.zip``),
else the copy bundled in PyPI's ``recbole`` 1.2.1 wheel, downloaded once into the cache folder with
``pip download --no-deps`` and read straight from the wheel (recbole is never installed).

Films become products (``"The Usual Suspects"``; the year and genres in the description), genres become
categories (a film is in each of its genres), users keep their id, and every rating is a ``rate``
event (value 1-5 at its timestamp).
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from shopgraph.loaders import categories as category_paths
from shopgraph.loaders import sources
from shopgraph.loaders.tables import CATEGORY_COLUMNS, EVENT_COLUMNS, PRODUCT_COLUMNS, USER_COLUMNS, Tables

RECBOLE = "recbole==1.2.1"
RECBOLE_WHEEL = "recbole-1.2.1-*.whl"
GENRES_UNKNOWN = "unknown"
#: GroupLens' u.item genre flags, in column order (u.genre).
GROUPLENS_GENRES = ["unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary",
                    "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi",
                    "Thriller", "War", "Western"]
_TRAILING_ARTICLE = re.compile(r"^(?P<main>.+?), (?P<article>The|A|An|Il|La|Le|Les|L'|El|Das|Die|Der)"
                               r"(?P<rest> \(.*\))?$")


class _Files:
    """Opens dataset files by name from a folder or a zip (the wheel, ml-100k.zip), wherever they sit in it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._names: dict[str, Path | str]  # a file of the folder, or a member name in the zip
        if path.is_dir():
            self._names = {p.name: p for p in path.rglob("*") if p.is_file()}
        elif zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                self._names = {Path(name).name: name for name in archive.namelist() if not name.endswith("/")}
        else:
            raise ValueError(f"{path.name}: expected a folder, a .zip or the recbole wheel")

    def has(self, *names: str) -> bool:
        return all(name in self._names for name in names)

    def read(self, name: str) -> bytes:
        where = self._names[name]
        if isinstance(where, Path):
            return where.read_bytes()
        with zipfile.ZipFile(self.path) as archive:
            return archive.read(where)


def locate(path: Path | None = None) -> Path:
    if path is not None:
        return sources.require(Path(path))
    return sources.pip_download(RECBOLE, RECBOLE_WHEEL)


def display_title(title: str) -> str:
    """``"Usual Suspects, The"`` -> ``"The Usual Suspects"``."""
    match = _TRAILING_ARTICLE.match(title.strip())
    if not match:
        return title.strip()
    return f"{match['article']} {match['main']}{match['rest'] or ''}"


def _genre_name(genre: str) -> str:
    return "Other" if genre == GENRES_UNKNOWN else genre


# -- the two file layouts -------------------------------------------------------------------------
def _atomic(files: _Files) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """RecBole's atomic files: tab-separated, with typed headers (``user_id:token``)."""
    def table(name: str) -> pd.DataFrame:
        frame = pd.read_csv(io.BytesIO(files.read(name)), sep="\t", dtype=str, keep_default_na=False)
        frame.columns = [column.split(":")[0] for column in frame.columns]
        return frame

    items = table("ml-100k.item")
    films = pd.DataFrame({
        "id": items["item_id"],
        "title": items["movie_title"],
        "year": items["release_year"],
        "genres": [text.split() for text in items["class"]],
    })
    ratings = table("ml-100k.inter")
    ratings = pd.DataFrame({
        "user_id": ratings["user_id"], "item_id": ratings["item_id"],
        "rating": ratings["rating"].astype(float), "timestamp": ratings["timestamp"].astype(float),
    })
    users = table("ml-100k.user") if files.has("ml-100k.user") else pd.DataFrame({"user_id": []})
    return films, ratings, users


def _grouplens(files: _Files) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """GroupLens' original files: ``u.item`` pipe-separated in Latin-1 with genre flags, ``u.data`` tabbed."""
    items = pd.read_csv(io.BytesIO(files.read("u.item")), sep="|", header=None, dtype=str,
                        encoding="latin-1", keep_default_na=False)
    flags = items.iloc[:, 5:5 + len(GROUPLENS_GENRES)].to_numpy() == "1"
    titles = items[1].str.extract(r"^(?P<title>.*?)(?: \((?P<year>\d{4})\))?\s*$")
    # A u.item with fewer genre columns than GROUPLENS_GENRES leaves the missing genres off (strict=False).
    films = pd.DataFrame({
        "id": items[0],
        "title": titles["title"],
        "year": titles["year"].fillna(""),
        "genres": [[genre for genre, on in zip(GROUPLENS_GENRES, row, strict=False) if on] for row in flags],
    })
    ratings = pd.read_csv(io.BytesIO(files.read("u.data")), sep="\t", header=None,
                          names=["user_id", "item_id", "rating", "timestamp"], dtype=str)
    ratings["rating"] = ratings["rating"].astype(float)
    ratings["timestamp"] = ratings["timestamp"].astype(float)
    users = pd.read_csv(io.BytesIO(files.read("u.user")), sep="|", header=None, dtype=str,
                        names=["user_id", "age", "gender", "occupation", "zip_code"]) \
        if files.has("u.user") else pd.DataFrame({"user_id": []})
    return films, ratings, users


# -- the tables ---------------------------------------------------------------------------------
def read(path: Path | None = None) -> Tables:
    source = locate(path)
    files = _Files(source)
    if files.has("ml-100k.inter", "ml-100k.item"):
        films, ratings, users = _atomic(files)
    elif files.has("u.data", "u.item"):
        films, ratings, users = _grouplens(files)
    else:
        raise FileNotFoundError(f"{source} holds neither ml-100k.inter/ml-100k.item nor u.data/u.item")

    ratings["at"] = pd.to_datetime(ratings["timestamp"], unit="s")
    films["genres"] = [genres or [GENRES_UNKNOWN] for genres in films["genres"]]
    genre_names = sorted({_genre_name(genre) for genres in films["genres"] for genre in genres})
    categories = pd.DataFrame([{"id": category_paths.slug(name), "name": name, "parentId": None}
                               for name in genre_names], columns=CATEGORY_COLUMNS)

    first_rated = ratings.groupby("item_id")["at"].min()
    names, descriptions, category_ids = [], [], []
    for film_id, title, year, genres in films.itertuples(index=False, name=None):
        known = title and title.lower() not in ("unkonwn", GENRES_UNKNOWN)
        name = display_title(title) if known else f"Film {film_id}"
        shown_genres = [_genre_name(genre) for genre in genres]
        year_text = f"released {year}" if re.fullmatch(r"\d{4}", str(year)) else "release year unknown"
        names.append(name)
        descriptions.append(f"{name}: a film ({year_text}). Genres: {', '.join(shown_genres)}.")
        category_ids.append([category_paths.slug(genre) for genre in shown_genres])
    products = pd.DataFrame({
        "id": films["id"].to_numpy(),
        "name": names,
        "description": descriptions,
        "price": np.full(len(names), np.nan),
        "currency": None,  # films have no price, so no currency either
        "imageUrl": None,
        "brand": None,
        "categoryId": [ids[0] for ids in category_ids],
        "tags": [[] for _ in names],
        "avgRating": np.full(len(names), np.nan),
        "ratingCount": np.zeros(len(names), dtype=int),
        "createdAt": first_rated.reindex(films["id"]).to_numpy(),
        "categoryIds": category_ids,
    }, columns=PRODUCT_COLUMNS)

    user_ids = sorted(set(users["user_id"]) | set(ratings["user_id"]), key=lambda value: (len(value), value))
    first_seen = ratings.groupby("user_id")["at"].min()
    users_table = pd.DataFrame({
        "id": user_ids, "name": None, "country": None,
        "createdAt": first_seen.reindex(user_ids).to_numpy(),
    }, columns=USER_COLUMNS)
    events = pd.DataFrame({
        "user_id": ratings["user_id"].to_numpy(),
        "product_id": ratings["item_id"].to_numpy(),
        "type": "rate",
        "value": ratings["rating"].to_numpy(dtype=float),
        "timestamp": ratings["at"].to_numpy(),
        "order_id": None,
        "price": np.full(len(ratings), np.nan),
    }, columns=EVENT_COLUMNS)
    return Tables(dataset="movielens-100k", products=products, categories=categories,
                  users=users_table, events=events)
