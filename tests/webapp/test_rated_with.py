"""A shop of ratings is not a shop of purchases: products found through the trained BOUGHT_WITH neighbours of a
film the shopper rated say "Rated highly by the people who rated ...", never "Bought with ..."; a shop of
orders still says "Bought with"."""
from __future__ import annotations

import pytest

from shopgraph import loaders
from shopgraph.graph.tokens import Tokens
from shopgraph.models.artefacts import VersionWriter
from shopgraph.models.collaborative import ItemItemRecommender
from shopgraph.models.data import interactions_from_graph
from shopgraph.models.publish import publish
from tests.webapp.shop import bearer

FILMS = {"F1": "Toy Story", "F2": "Babe", "F3": "Fargo", "F4": "Heat", "F5": "Clerks"}
#: MovieLens-style: every interaction a rating, no orders. Viewer "v" has rated Toy Story only.
RATINGS = [
    ("a", "F1", 5), ("a", "F2", 5), ("a", "F3", 4),
    ("b", "F1", 4), ("b", "F2", 5), ("b", "F4", 5),
    ("c", "F2", 4), ("c", "F3", 5), ("c", "F4", 4),
    ("d", "F1", 5), ("d", "F3", 4), ("d", "F5", 5),
    ("v", "F1", 5),
]


def publish_bought_with(graph, root) -> int:
    """Trains the item-to-item neighbours on the graph's interactions and publishes them as BOUGHT_WITH edges,
    as `shopgraph train` does."""
    interactions = interactions_from_graph(graph)
    model = ItemItemRecommender(neighbours=10).fit(interactions)
    indices, scores = model.bought_with(k=10)
    writer = VersionWriter(root)
    writer.json("ids.json", {"products": list(interactions.product_ids), "users": list(interactions.user_ids)})
    writer.arrays("bought_with.npz", indices=indices, scores=scores)
    return publish(graph, writer.finish({"models": {"collaborative": {}}})).bought_with


@pytest.fixture
def film_shop(graph, tmp_path):
    (tmp_path / "products.csv").write_text("id,name\n" + "".join(f"{i},{name}\n" for i, name in FILMS.items()))
    (tmp_path / "events.csv").write_text("user_id,product_id,type,value,timestamp\n" + "".join(
        f"{user},{film},rate,{stars},2024-01-{day:02d}T12:00:00Z\n"
        for day, (user, film, stars) in enumerate(RATINGS, start=1)))
    summary = loaders.load(graph, "csv", path=tmp_path, progress=False)
    assert not summary.rejected
    assert publish_bought_with(graph, tmp_path / "artifacts") > 0
    return graph


def reasons(body) -> list[str]:
    return [item["reason"] for item in body["items"]]


def test_a_shopper_who_rated_a_film_hears_who_else_rated_it(client, film_shop):
    token = Tokens(film_shop).create("merchandiser")[1]
    body = client.get("/api/v1/recommendations?user_id=v&strategy=collaborative&k=4",
                      headers=bearer(token)).get_json()
    assert body["items"], body
    assert any(reason.startswith("Rated highly by the people who rated Toy Story") for reason in reasons(body))
    assert not any("Bought with" in reason for reason in reasons(body))
    evidence = [because for item in body["items"] for because in item["because"]]
    assert {"kind": "rated_with", "product": "F1"} in evidence
    assert not any(because["kind"] == "bought_with" for because in evidence)


def test_a_films_page_says_rated_not_bought(client, film_shop):
    together = client.get("/api/v1/products/F1/bought-together").get_json()
    assert together["items"] and set(reasons(together)) == {"Rated highly by the people who rated Toy Story"}
    page = client.get("/products/F1").get_data(as_text=True)
    assert "Rated highly by the people who rated this item" in page and "Bought with" not in page


def test_a_shop_of_orders_still_says_bought_with(client, shop):
    # Bob bought the cake stand and the green teacup in one order (tests/webapp/fixtures/shop.cypher).
    shop.write("MATCH (stand:Product {id: '22423'}), (cup:Product {id: '22697'}) "
               "MERGE (stand)-[:BOUGHT_WITH {score: 0.9, model: 'cooc'}]->(cup)")
    together = client.get("/api/v1/products/22423/bought-together").get_json()
    assert together["items"][0]["product_id"] == "22697"
    assert together["items"][0]["because"] == [{"kind": "bought_with", "product": "22423"}]
    assert together["items"][0]["reason"] == "Bought with Regency Cakestand 3 Tier"
