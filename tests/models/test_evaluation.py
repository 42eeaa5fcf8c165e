"""The evaluation run: every peer and strategy side by side in the JSON of docs/evaluation.md, with its reports."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from shopgraph.cli import main
from shopgraph.models.evaluation import evaluate, markdown_table, write_report
from shopgraph.models.served_evaluation import SERVED_STRATEGIES
from tests.models.synthetic import synthetic_ratings


@pytest.fixture(scope="module")
def result(neo4j_settings):
    # The served rows load the training part into the test server, train and serve it there.
    return evaluate("movielens-100k", tables=synthetic_ratings(), progress=False, neo4j=neo4j_settings)


def test_the_json_has_every_model_with_the_protocols_metrics(result):
    assert result["dataset"] == "movielens-100k" and "75/25" in result["protocol"]
    families = {row["name"]: row["family"] for row in result["models"] if row["family"] != "served"}
    assert {name for name, family in families.items() if family == "peer"} == {"popularity", "als", "ease"}
    for name in ("trending", "content", "collaborative", "mf", "embedding", "hybrid", "multi",
                 "multi:decision_tree", "multi:random_forest", "multi:gradient_boosting", "multi:neural_net"):
        assert families[name] == "shopgraph"
    for row in result["models"]:
        assert set(row["metrics"]) == {"ndcg@10", "precision@10", "recall@10", "coverage", "novelty"}, row["name"]
        assert all(0.0 <= value for value in row["metrics"].values())
        assert 0.0 <= row["metrics"]["ndcg@10"] <= 1.0 and row.get("fit_seconds", row.get("serve_seconds")) >= 0
    summary = result["summary"]
    assert summary["best_peer"] in {"popularity", "als", "ease"} and isinstance(summary["goal_met"], bool)
    json.dumps(result)


def test_every_strategy_is_also_scored_as_the_shop_serves_it(result):
    served = {row["name"]: row for row in result["models"] if row["family"] == "served"}
    default = result["summary"]["default_strategy"]
    assert set(served) == {*SERVED_STRATEGIES, f"{default} [diversity cap off]", f"{default} [diversity cap 3]"}
    memory = {row["name"]: row["metrics"]["ndcg@10"] for row in result["models"] if row["family"] == "shopgraph"}
    for row in served.values():
        assert 0.0 <= row["metrics"]["ndcg@10"] <= 1.0 and row["serve_seconds"] > 0
        if row["strategy"] in memory:
            assert row["in_memory"]["ndcg@10"] == memory[row["strategy"]]
    # the default strategy is judged on its served row
    assert result["summary"]["default_served_value"] == served[default]["metrics"]["ndcg@10"]
    assert result["summary"]["default_served_ratio"] == pytest.approx(
        served[default]["metrics"]["ndcg@10"] / result["summary"]["best_peer_value"], abs=1e-4)
    # what training chose for the served shop
    assert result["served"]["diversity"]["validation_ndcg"]["none"] >= 0.0


def test_the_default_strategy_is_scored_for_shoppers_who_just_acted(result):
    acted = {row["name"]: row for row in result["served"]["acted"]}
    default = result["summary"]["default_strategy"]
    assert set(acted) == {f"{default}, shopper who just acted: {name}"
                          for name in ("before the act", "folded", "rebuilt live")}
    # the same shoppers for the three lists, scored like every served row
    assert len({row["shoppers"] for row in acted.values()}) == 1 and next(iter(acted.values()))["shoppers"] > 0
    assert all(0.0 <= row["metrics"]["ndcg@10"] <= 1.0 for row in acted.values())


def test_reports_are_json_markdown_and_a_plot(result, tmp_path):
    paths = write_report(result, tmp_path / "reports", json_path=tmp_path / "out.json")
    assert json.loads(paths["json"].read_text())["dataset"] == "movielens-100k"
    assert json.loads((tmp_path / "out.json").read_text()) == json.loads(paths["json"].read_text())
    assert paths["plot"].read_bytes()[:4] == b"\x89PNG"
    table = paths["markdown"].read_text()
    assert table == markdown_table(result)
    assert "| model | family | ndcg@10 |" in table and "| ease | peer |" in table and "Best ShopGraph" in table
    assert "As served" in table and "x best peer" in table and "The shop's default strategy" in table
    assert "Shoppers who just acted" in table and "shopper who just acted: folded" in table


def test_the_command_refuses_an_unknown_dataset():
    outcome = CliRunner().invoke(main, ["evaluate", "--dataset", "walmart"])
    assert outcome.exit_code == 2 and "Invalid value" in outcome.output


def test_serving_side_modules_do_not_import_tensorflow():
    code = ("import sys, shopgraph.models.ranker_inference, shopgraph.models.artefacts, shopgraph.models.features, "
            "shopgraph.models.content, shopgraph.models.data; print('tensorflow' in sys.modules)")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "False"
