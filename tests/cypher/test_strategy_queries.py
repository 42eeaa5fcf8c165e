"""The author's loop at the terminal: `shopgraph cypher` runs, describes and profiles a strategy file with the
parameters the shop would give a shopper, and says why a broken file is not a strategy."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from shopgraph.cli import main
from tests.models.shop_fixture import build_shop


@pytest.fixture
def tiny_shop(graph, neo4j_settings, monkeypatch):
    build_shop(graph)
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.uri)
    monkeypatch.setenv("NEO4J_USER", neo4j_settings.user)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings.password)
    monkeypatch.delenv("SHOPGRAPH_STRATEGY_DIRS", raising=False)
    return graph


def run(*args):
    return CliRunner().invoke(main, ["cypher", *args])


def test_a_strategy_runs_for_the_shopper_named(tiny_shop):
    result = run("strategies/completes_the_basket", "-p", 'userId="frank"', "--json")

    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [row["productId"] for row in rows] == ["k3", "c3", "c1", "k2"]
    assert rows[1]["because"] == {"kind": "bought_with", "product": "k1", "category": "cards"}


def test_a_strategy_is_found_by_its_name_alone(tiny_shop):
    assert run("completes_the_basket", "-p", 'userId="frank"', "--json").output == \
        run("strategies/completes_the_basket", "-p", 'userId="frank"', "--json").output


def test_profile_prints_rows_and_db_hits_per_operator_for_a_sample_shopper(tiny_shop):
    result = run("strategies/comes_back_for", "--profile")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # carol has taken the most products of the shoppers with the most orders; her seeds are her products
    assert re.match(r'comes_back_for \(userId="carol", k=10, before=null, \d+ seeds\): \d+ rows', lines[0])
    assert re.match(r"operator\s+rows\s+db hits\s+details", lines[1])
    assert re.match(r"ProduceResults\s+\d+\s+0\s+productId, score, because", lines[2])
    operators = {line.split()[0] for line in lines[2:-1]}
    assert {"NodeUniqueIndexSeek", "Expand(All)"} <= operators
    total = int(re.match(r"total: ([\d,]+) db hits", lines[-1]).group(1).replace(",", ""))
    assert total == sum(int(line.split()[2].replace(",", "")) for line in lines[2:-1]) > 0


def test_profile_takes_a_named_querys_example_and_a_sample_shoppers_seeds(tiny_shop):
    result = run("bought_with", "--profile", "-p", 'userId="frank"')

    assert result.exit_code == 0, result.output
    # the example's perSeed and limit; frank's four products for seeds
    assert re.match(r'bought_with \(userId="frank", perSeed=10, limit=20, 4 seeds\): \d+ rows', result.output)
    assert "Expand(All)" in result.output


def test_describe_prints_the_strategys_header(tiny_shop):
    result = run("--describe", "strategies/comes_back_for")

    assert result.exit_code == 0, result.output
    assert result.output.startswith("What shoppers came back for:")
    assert "Columns: productId, score" in result.output and "Candidate source: yes" in result.output


def test_a_broken_strategy_is_named_with_its_problem(tiny_shop, tmp_path, monkeypatch):
    (tmp_path / "broken.cypher").write_text(
        "// Writes, which a strategy may not.\n// Parameters: k (int)\n// Columns: productId, score, because\n"
        "MATCH (p:Product)\nSET p.seen = true\n"
        "RETURN p.id AS productId, 1 AS score, {kind: 'x'} AS because LIMIT $k\n")
    monkeypatch.setenv("SHOPGRAPH_STRATEGY_DIRS", str(tmp_path))

    result = run("strategies/broken")

    assert result.exit_code != 0
    assert f"{tmp_path / 'broken.cypher'}:5: SET writes" in result.output
    assert "'broken' is not a strategy (the strategies: comes_back_for, completes_the_basket)" in result.output
