"""The evaluation run: every peer and strategy side by side in DESIGN.md's JSON, with its reports."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from models.evaluation import evaluate, markdown_table, write_report
from tests.models.synthetic import synthetic_ratings
from webapp.cli import main


@pytest.fixture(scope="module")
def result():
    return evaluate("movielens-100k", tables=synthetic_ratings(), progress=False)


def test_the_json_has_every_model_with_the_protocols_metrics(result):
    assert result["dataset"] == "movielens-100k" and "75/25" in result["protocol"]
    families = {row["name"]: row["family"] for row in result["models"]}
    assert {name for name, family in families.items() if family == "peer"} == {"popularity", "als", "ease"}
    for name in ("trending", "content", "collaborative", "mf", "embedding", "hybrid", "multi",
                 "multi:decision_tree", "multi:random_forest", "multi:gradient_boosting", "multi:neural_net"):
        assert families[name] == "shopgraph"
    for row in result["models"]:
        assert set(row["metrics"]) == {"ndcg@10", "precision@10", "recall@10", "coverage", "novelty"}
        assert all(0.0 <= value for value in row["metrics"].values())
        assert 0.0 <= row["metrics"]["ndcg@10"] <= 1.0 and row["fit_seconds"] >= 0
    summary = result["summary"]
    assert summary["best_peer"] in {"popularity", "als", "ease"} and isinstance(summary["goal_met"], bool)
    json.dumps(result)


def test_reports_are_json_markdown_and_a_plot(result, tmp_path):
    paths = write_report(result, tmp_path / "reports", json_path=tmp_path / "out.json")
    assert json.loads(paths["json"].read_text())["dataset"] == "movielens-100k"
    assert json.loads((tmp_path / "out.json").read_text()) == json.loads(paths["json"].read_text())
    assert paths["plot"].read_bytes()[:4] == b"\x89PNG"
    table = paths["markdown"].read_text()
    assert table == markdown_table(result)
    assert "| model | family | ndcg@10 |" in table and "| ease | peer |" in table and "Best ShopGraph" in table


def test_the_command_refuses_an_unknown_dataset():
    outcome = CliRunner().invoke(main, ["evaluate", "--dataset", "walmart"])
    assert outcome.exit_code == 2 and "Invalid value" in outcome.output


def test_serving_side_modules_do_not_import_tensorflow():
    code = ("import sys, models.ranker_inference, models.artefacts, models.features, models.content, "
            "models.data; print('tensorflow' in sys.modules)")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "False"
