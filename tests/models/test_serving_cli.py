"""`shopgraph recommend` (and `shopgraph train` end to end) on the tiny shop, and the candidate queries' headers."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest
from click.testing import CliRunner

from shopgraph.cli import main
from shopgraph.graph import queries
from shopgraph.graph.recommendations import SOURCES, RecommendationRepository
from shopgraph.models.base import Recommender
from tests.models.shop_fixture import USERS, build_shop

#: The named queries the recommendation service owns; each documents itself for `shopgraph cypher`.
SERVING_QUERIES = sorted({
    *SOURCES, "user_history", "shopper_state", "store_recommendations", "product_vectors", "product_categories",
    "published_model", "user_ids",
    "candidate_facts", "latest_activity", "products_for_content", "link_new_products_by_attributes",
    "publish_similar_to", "publish_bought_with", "publish_predicts", "retire_similar_to", "retire_bought_with",
    "retire_predicts",
    "publish_product_vectors", "publish_user_vectors", "retire_product_vectors", "retire_user_vectors",
    "publish_model_version",
})


@pytest.fixture
def tiny_shop(graph, neo4j_settings, monkeypatch, tmp_path):
    build_shop(graph)
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.uri)
    monkeypatch.setenv("NEO4J_USER", neo4j_settings.user)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings.password)
    monkeypatch.setenv("SHOPGRAPH_ARTIFACTS", str(tmp_path / "artifacts"))
    return graph


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def assert_line_format(line, k):
    assert set(line) == {"user_id", "items"}
    assert len(line["items"]) <= k
    for item in line["items"]:
        assert set(item) == {"product_id", "score", "because"}
        assert isinstance(item["score"], float) and item["because"]


def test_recommend_prints_one_json_line_for_a_shopper(tiny_shop):
    result = run("recommend", "--user", "alice", "--k", "3")

    assert result.exit_code == 0, result.output
    lines = [json.loads(text) for text in result.stdout.splitlines()]
    assert len(lines) == 1 and lines[0]["user_id"] == "alice"
    assert_line_format(lines[0], 3)
    assert len(lines[0]["items"]) == 3


@pytest.mark.parametrize("strategy", ["hybrid", "content", "popular"])
def test_recommend_all_users_writes_a_line_per_shopper(tiny_shop, tmp_path, strategy):
    out = tmp_path / "recs.jsonl"

    result = run("recommend", "--all-users", "--k", "4", "--strategy", strategy, "--out", str(out))

    assert result.exit_code == 0, result.output
    lines = [json.loads(text) for text in out.read_text().splitlines()]
    assert [line["user_id"] for line in lines] == sorted(USERS)
    for line in lines:
        assert_line_format(line, 4)
        assert len(line["items"]) == 4
    assert f"{len(USERS)} shopper(s)" in result.stderr


def test_recommend_refuses_bad_requests(tiny_shop):
    unknown = run("recommend", "--user", "nobody")
    neither = run("recommend")
    both = run("recommend", "--user", "alice", "--all-users")
    bad_k = run("recommend", "--user", "alice", "--k", "0")
    bad_strategy = run("recommend", "--user", "alice", "--strategy", "astrology")

    assert unknown.exit_code == 1 and "no shopper with id 'nobody'" in unknown.stderr
    for result in (neither, both, bad_k, bad_strategy):
        assert result.exit_code == 2, result.output
    assert "one of --user ID, --users FILE or --all-users" in neither.stderr


def test_recommend_for_the_shoppers_a_file_names(tiny_shop, tmp_path):
    named = tmp_path / "shoppers.txt"
    named.write_text("carol\nnobody\nalice\n\ncarol\n")
    out = tmp_path / "recs.jsonl"

    result = run("recommend", "--users", str(named), "--k", "3", "--out", str(out))

    assert result.exit_code == 0, result.output
    lines = [json.loads(text) for text in out.read_text().splitlines()]
    assert [line["user_id"] for line in lines] == ["carol", "alice"]  # the file's order, each once
    for line in lines:
        assert_line_format(line, 3)
    assert "skipped 1 id(s) the graph does not know: 'nobody'" in result.stderr


def test_recommend_says_when_neo4j_is_down(monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "neo4j://127.0.0.1:1")
    monkeypatch.setenv("NEO4J_PASSWORD", "x")

    result = run("recommend", "--user", "alice")

    assert result.exit_code == 1
    assert "Neo4j is unreachable" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", SERVING_QUERIES)
def test_each_query_has_a_full_header(name):
    header = queries.describe(name)

    for part in ("Parameters:", "Columns:", "Example"):
        assert part in header, f"cypher/{name}.cypher has no {part!r} line"
    assert len(header.splitlines()[0]) > 20, "the first line should say what the query finds or does"


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_each_candidate_source_returns_the_shared_columns(name):
    statement = queries.query(name)
    final = statement[statement.rindex("RETURN"):]

    for column in ("source", "productId", "score", "reason"):
        assert re.search(rf"\b{column}\b", final), f"{name} does not return {column}"
    assert f"'{name}' AS source" in final


def test_train_then_recommend_end_to_end(tiny_shop, tmp_path):
    """`shopgraph train` reads the graph, trains every model, publishes the version; the next lists use it."""
    trained = run("train")

    assert trained.exit_code == 0, trained.output
    assert "Published version" in trained.stdout
    version = tiny_shop.read_value("published_model")
    assert (tmp_path / "artifacts" / "models" / version / "metadata.json").is_file()
    assert tiny_shop.read_value("MATCH ()-[r:SIMILAR_TO {model: 'tfidf'}]->() RETURN count(r)") > 0
    assert tiny_shop.read_value("MATCH ()-[r:SIMILAR_TO]->() WHERE r.version <> $v RETURN count(r)", v=version) == 0
    assert sum(len(row["embedding"] or []) == 64 for row in tiny_shop.read("product_vectors")) == 16
    for strategy in ("hybrid", "multi", "mf", "embedding", "content", "collaborative", "item_regression"):
        result = run("recommend", "--user", "alice", "--k", "5", "--strategy", strategy)
        assert result.exit_code == 0, result.output
        line = json.loads(result.stdout)
        assert_line_format(line, 5)
        assert len(line["items"]) == 5, strategy
    # Live feedback still counts on a trained version: buying t2 brings t3 "bought with t2".
    tiny_shop.write("place_order", userId="alice", orderId="after-training",
                    lines=[{"productId": "t2", "quantity": 1}])
    line = json.loads(run("recommend", "--user", "alice", "--k", "10").stdout)
    assert {"kind": "bought_with", "product": "t2"} in next(
        item["because"] for item in line["items"] if item["product_id"] == "t3")


def test_the_item_regression_walk_gives_the_scores_the_ranker_learnt_from(tiny_shop, tmp_path):
    """The graph's PREDICTS walk from a shopper's latest products sums to the trained model's own scores, so the
    multi ranker is served the feature it was trained on."""
    assert run("train").exit_code == 0
    folder = tmp_path / "artifacts" / "models" / tiny_shop.read_value("published_model")
    model = Recommender.load(folder / "item_regression")
    ids = json.loads((folder / "ids.json").read_text())
    history = RecommendationRepository(tiny_shop).history("alice")
    taken = {interaction.product_id for interaction in history.interactions if interaction.type != "DISLIKED"}

    rows = tiny_shop.read("item_regression", userId="alice", takenLimit=300, predicted=100)
    walked = {row["productId"]: row["score"] for row in rows}

    scores = model.score([ids["users"].index("alice")])[0]
    trained = {ids["products"][j]: float(scores[j]) for j in np.flatnonzero(scores > 0)
               if ids["products"][j] not in taken}
    assert walked and walked == pytest.approx(trained, rel=1e-5)


def test_train_says_when_there_is_nothing_to_learn(graph, neo4j_settings, monkeypatch, tmp_path):
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.uri)
    monkeypatch.setenv("NEO4J_USER", neo4j_settings.user)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings.password)
    monkeypatch.setenv("SHOPGRAPH_ARTIFACTS", str(tmp_path))

    result = run("train")

    assert result.exit_code == 1
    assert "load a dataset first" in result.stderr
    assert "Traceback" not in result.output
    # an empty graph has no catalogue either, so not even the content model trains, and no version is written
    assert "no products" in result.stderr
    assert not (tmp_path / "models").exists() or not any((tmp_path / "models").iterdir())


def test_train_refuses_an_unknown_model(tiny_shop):
    result = run("train", "--models", "content,astrology")

    assert result.exit_code == 1
    assert "astrology" in result.stderr and "Traceback" not in result.output
