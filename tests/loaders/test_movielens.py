"""MovieLens 100K from the recbole 1.2.1 wheel: films, genres, 100,000 ratings; and a reload that changes nothing."""
from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from shopgraph import loaders
from shopgraph.loaders import movielens
from shopgraph.loaders.writer import graph_counts


@pytest.fixture(scope="module")
def wheel():
    return movielens.locate()


@pytest.fixture(scope="module")
def ratings(wheel) -> pd.DataFrame:
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read("recbole/dataset_example/ml-100k/ml-100k.inter")
    return pd.read_csv(io.BytesIO(text), sep="\t", names=["user", "item", "rating", "timestamp"], header=0,
                       dtype={"user": str, "item": str})


@pytest.fixture(scope="module")
def loaded(session_graph, wheel):
    session_graph.wipe()
    summary = loaders.load(session_graph, "movielens-100k", progress=False)
    return session_graph, summary


def test_the_wheel_comes_from_pypi_into_the_cache(wheel):
    assert wheel.name == "recbole-1.2.1-py3-none-any.whl"
    assert wheel.parent.name == "shopgraph"


def test_counts_match_the_files(loaded, ratings):
    graph, summary = loaded
    counts = graph_counts(graph)
    assert counts["User"] == ratings["user"].nunique() == 943
    assert counts["Product"] == 1_682
    assert counts["RATED"] == len(ratings) == 100_000
    assert counts["Category"] == 19  # 18 genres and "Other" for the two films without one
    assert not summary.rejected


def test_ratings_keep_value_and_time_and_products_their_average(loaded, ratings):
    graph, _ = loaded
    first = ratings.iloc[0]
    edge = graph.read_one("MATCH (:User {id: $user})-[r:RATED]->(:Product {id: $item}) RETURN r.rating AS rating, "
                          "r.at.epochSeconds AS at", user=first["user"], item=first["item"])
    assert edge == {"rating": first["rating"], "at": first["timestamp"]}
    toy_story = ratings[ratings["item"] == "1"]["rating"]
    product = graph.read_one("MATCH (p:Product {id: '1'}) RETURN p {.*} AS p")["p"]
    assert product["ratingCount"] == len(toy_story) == 452
    assert product["avgRating"] == pytest.approx(toy_story.mean())
    assert product["name"] == "Toy Story" and "1995" in product["description"]
    assert "price" not in product and "currency" not in product  # films have no price, so no currency


def test_films_sit_in_each_of_their_genres(loaded):
    graph, _ = loaded
    genres = graph.read_value("MATCH (:Product {id: '1'})-[:IN_CATEGORY]->(c:Category) "
                              "RETURN collect(c.name) AS names")
    assert sorted(genres) == ["Animation", "Children's", "Comedy"]
    assert graph.read_value("MATCH (:Category {id: 'film-noir'})<-[:IN_CATEGORY]-(p) RETURN count(p) AS n") == 24


def test_a_reload_gives_identical_counts(loaded):
    graph, _ = loaded
    before = graph_counts(graph)
    again = loaders.load(graph, "movielens-100k", progress=False)
    assert graph_counts(graph) == before
    assert set(again.created.values()) == {0}
    assert graph.read_value("MATCH (p:Product {id: '1'}) RETURN p.ratingCount AS n") == 452


def test_titles_read_as_people_say_them():
    assert movielens.display_title("Usual Suspects, The") == "The Usual Suspects"
    assert movielens.display_title("Postino, Il") == "Il Postino"
    assert movielens.display_title("Horseman on the Roof, The (Hussard sur le toit, Le)") \
        == "The Horseman on the Roof (Hussard sur le toit, Le)"
    assert movielens.display_title("Seven (Se7en)") == "Seven (Se7en)"


def test_grouplens_original_files_read_too(tmp_path):
    genres = ["0"] * 19
    comedy = list(genres)
    comedy[5] = "1"
    (tmp_path / "u.item").write_bytes("\n".join([
        "1|Toy Story (1995)|01-Jan-1995||http://x|" + "|".join(comedy),
        "2|Misérables, Les (1995)|01-Jan-1995||http://x|" + "|".join(genres),
    ]).encode("latin-1"))
    (tmp_path / "u.data").write_text("7\t1\t4\t881250949\n7\t2\t2\t881250950\n8\t1\t5\t881250951\n")
    tables = movielens.read(tmp_path)
    assert tables.products["name"].tolist() == ["Toy Story", "Les Misérables"]
    assert tables.products["categoryIds"].tolist() == [["comedy"], ["other"]]
    assert sorted(tables.users["id"]) == ["7", "8"]
    assert tables.events["value"].tolist() == [4.0, 2.0, 5.0]


def test_a_folder_without_ratings_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("nothing here")
    with pytest.raises(FileNotFoundError, match="u.data"):
        movielens.read(tmp_path)
