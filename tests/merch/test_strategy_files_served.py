"""A strategy written in Cypher, and nothing else: a file dropped into a folder of ``$SHOPGRAPH_STRATEGY_DIRS`` is
served by the API with its reasons, ruled by the merchandiser's rules, offered to merchandisers and experiments, and
evaluated as the shop serves it -- with no Python change."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from shopgraph.cli import main
from shopgraph.loaders.writer import write_tables
from shopgraph.models.evaluation import measure, score_lists
from shopgraph.models.popularity import PopularityRecommender
from shopgraph.models.served_evaluation import rank_line, served_lists, training_tables, where_it_ranks
from shopgraph.models.strategy_files import StrategyLibrary
from shopgraph.models.strategy_parameters import strategy_parameters
from tests.models.test_served_evaluation import tiny_retail_protocol
from tests.webapp.shop import bearer

#: A strategy the built-in ones lack: the cheapest products of the categories the shopper's products are in.
CHEAPEST_IN_YOUR_AISLES = """\
// The cheapest products of the categories the shopper's products are in, each saying which of
// their products it shares a category with.
// Parameters: userId (string), k (int), seeds (list of {id, weight})
// Columns: productId, score (1 / price), because ({kind: 'same_category', product: seed id, category: id})
// Example: shopgraph cypher cheapest_in_your_aisles -p userId='"u-bob"'
OPTIONAL MATCH (u:User {id: $userId})
UNWIND $seeds[..10] AS seed
MATCH (s:Product {id: seed.id})-[:IN_CATEGORY]->(c:Category)<-[:IN_CATEGORY]-(p:Product)
WHERE p.price > 0 AND (u IS NULL OR NOT EXISTS { (u)-[:PURCHASED]->(p) })
WITH p, c, min(s.id) AS seedId
RETURN p.id AS productId, 1.0 / p.price AS score,
       {kind: 'same_category', product: seedId, category: c.id} AS because
ORDER BY score DESC, productId
LIMIT $k
"""
NAME = "cheapest_in_your_aisles"


@pytest.fixture
def strategy_folder(tmp_path, monkeypatch):
    folder = tmp_path / "strategies"
    folder.mkdir()
    (folder / f"{NAME}.cypher").write_text(CHEAPEST_IN_YOUR_AISLES)
    monkeypatch.setenv("SHOPGRAPH_STRATEGY_DIRS", str(folder))
    return folder


def recommendations(client, token, **args):
    response = client.get("/api/v1/recommendations", query_string={"user_id": "u-bob", "k": 4, **args},
                          headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_a_strategy_file_is_served_with_its_reasons_and_ruled(strategy_folder, client, merchandiser_token):
    items = recommendations(client, merchandiser_token, strategy=NAME)

    # Bob bought the cake stand (kitchen) and two teacups (mugs): the cheaper products he lacks of those aisles
    assert [item["product_id"] for item in items[:2]] == ["37370", "22720"]
    assert items[0]["because"] == [{"kind": "same_category", "product": "22697", "category": "mugs"}]
    assert items[0]["reason"].startswith("Same category as")
    enum = client.get("/api/v1/openapi.json").get_json()["paths"]["/recommendations"]["get"]["parameters"]
    assert NAME in next(p for p in enum if p["name"] == "strategy")["schema"]["enum"]

    rule = client.post("/api/v1/rules", json={"kind": "exclude", "target_type": "product", "target_id": "37370"},
                       headers=bearer(merchandiser_token))
    assert rule.status_code == 200, rule.get_json()

    assert [item["product_id"] for item in recommendations(client, merchandiser_token, strategy=NAME)][:1] == ["22720"]


def test_an_unknown_strategy_names_the_strategy_files_too(strategy_folder, client, merchandiser_token):
    response = client.get("/api/v1/recommendations", query_string={"strategy": "nope"},
                          headers=bearer(merchandiser_token))

    assert response.status_code == 400
    assert NAME in response.get_json()["error"]["message"]


def test_merchandisers_inspect_it_and_put_it_in_an_experiment(strategy_folder, mia):
    page = mia.client.get(f"/merch/shoppers?user_id=u-bob&strategy={NAME}").get_data(as_text=True)
    assert f'<option value="{NAME}" selected>' in page
    assert "Same category as" in page

    made = mia.post_form("/merch/experiments", {"name": "Cheap aisles against multi", "strategy_a": "multi",
                                                "strategy_b": NAME})

    assert made.status_code == 303
    assert NAME in mia.client.get("/merch/experiments").get_data(as_text=True)


# -- evaluated as served --------------------------------------------------------------------------------
def test_a_strategy_file_is_evaluated_as_the_shop_serves_it(strategy_folder, graph, neo4j_settings, tmp_path,
                                                             monkeypatch):
    # the protocol's parts for a tiny Online Retail shop, its training part in the graph as in a served evaluation
    tables, interactions, split = tiny_retail_protocol(tmp_path)
    write_tables(graph, training_tables(tables, interactions, split), progress=False)
    for key, value in (("NEO4J_URI", neo4j_settings.uri), ("NEO4J_USER", neo4j_settings.user),
                       ("NEO4J_PASSWORD", neo4j_settings.password), ("SHOPGRAPH_ARTIFACTS", str(tmp_path / "a"))):
        monkeypatch.setenv(key, value)
    shoppers = tmp_path / "shoppers.txt"
    shoppers.write_text("".join(f"{interactions.user_ids[user]}\n" for user in sorted(split.test)))
    out = tmp_path / "served.jsonl"

    result = CliRunner().invoke(main, ["recommend", "--users", str(shoppers), "--k", "20", "--strategy", NAME,
                                       "--out", str(out)])

    assert result.exit_code == 0, result.output
    lists, _ = served_lists(out, interactions, split, k=10)
    # each test shopper's scored list opens with the file's own products, in its order
    library = StrategyLibrary([strategy_folder])
    for user in sorted(split.test):
        user_id = interactions.user_ids[user]
        seeds = strategy_parameters(graph, user_id)["seeds"]
        rows = library.candidates(graph, NAME, user_id=user_id, k=10, seeds=seeds)
        own = [interactions.product_index[row.product_id] for row in rows][:len(lists[user])]
        assert own and lists[user][:len(own)] == own, user_id
    metrics = score_lists(lists, split, ("ndcg@10", "recall@10", "coverage"))
    peer = measure(PopularityRecommender().fit(split.train), split, ("ndcg@10", "recall@10", "coverage"))
    report = {"models": [{"name": "popularity", "family": "peer", "metrics": peer},
                         {"name": NAME, "strategy": NAME, "family": "served", "metrics": metrics}]}

    rank = where_it_ranks(report, NAME)

    assert rank["value"] == metrics["ndcg@10"] and rank["served_rank"] == 1 and rank["served_rows"] == 1
    assert rank["overall_rank"] == 1 + (peer["ndcg@10"] > metrics["ndcg@10"])
    assert rank_line(rank).startswith(f"{NAME} as served: NDCG@10 {metrics['ndcg@10']:.4f}, 1st of 1 strategies")


def test_in_development_mode_the_shop_serves_a_new_file_without_a_restart(tmp_path, monkeypatch, client,
                                                                          merchandiser_token):
    monkeypatch.setenv("SHOPGRAPH_STRATEGY_DIRS", str(tmp_path))
    monkeypatch.setenv("SHOPGRAPH_STRATEGY_RELOAD", "1")
    asked = {"user_id": "u-bob", "strategy": NAME}
    assert client.get("/api/v1/recommendations", query_string=asked,
                      headers=bearer(merchandiser_token)).status_code == 400

    (tmp_path / f"{NAME}.cypher").write_text(CHEAPEST_IN_YOUR_AISLES)

    assert [item["product_id"] for item in recommendations(client, merchandiser_token, strategy=NAME)][:2] == [
        "37370", "22720"]
