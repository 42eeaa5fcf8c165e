"""Strategy files against the real Neo4j: Neo4j's own check before a file's first run, a run's rows as candidates
with their evidence, a failing run that costs the shopper nothing, files picked up without a restart in
development mode, and the two strategies the project ships, on the tiny shop of tests/models/shop_fixture.py."""
from __future__ import annotations

import pytest

from shopgraph.graph.recommendations import Candidate
from shopgraph.models.strategy_files import STRATEGY_DIR, StrategyLibrary, UnknownStrategyFile
from shopgraph.models.strategy_parameters import strategy_parameters

HEADER = """// The test shopper's aisle, cheapest first.
// Parameters: userId (string), k (int), seeds (list of {id, weight})
// Columns: productId, score, because
"""
SAME_AISLE = HEADER + """MATCH (:User {id: $userId})-[:PURCHASED]->(:Product)-[:IN_CATEGORY]->(c:Category)
MATCH (c)<-[:IN_CATEGORY]-(p:Product)
WHERE NOT EXISTS { (:User {id: $userId})-[:PURCHASED]->(p) }
WITH DISTINCT p, c
RETURN p.id AS productId, 1.0 / p.price AS score, {kind: 'same_category', category: c.id} AS because
ORDER BY score DESC
LIMIT $k
"""


def write(folder, name: str, text: str):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.cypher").write_text(text)


def test_a_file_runs_for_a_shopper_and_gives_candidates_with_its_evidence(tiny_shop, tmp_path):
    write(tmp_path, "same_aisle", SAME_AISLE)
    library = StrategyLibrary([tmp_path])

    found = library.candidates(tiny_shop, "same_aisle", user_id="erin", k=3, seeds=[])

    # erin bought k2, k3 (kitchen), c1, c2 (cards): the other kitchen and cards products, cheapest first
    kitchen, cards = {"kind": "same_category", "category": "kitchen"}, {"kind": "same_category", "category": "cards"}
    assert found == [Candidate("same_aisle", "k1", pytest.approx(1 / 2.5), kitchen),
                     Candidate("same_aisle", "k4", pytest.approx(1 / 5.5), kitchen),
                     Candidate("same_aisle", "c3", pytest.approx(1 / 12.5), cards)]


def test_evidence_without_a_kind_is_of_the_strategys_kind(tiny_shop, tmp_path):
    write(tmp_path, "plain", HEADER + "MATCH (p:Product {id: 'k1'})\n"
                                      "RETURN p.id AS productId, 1 AS score, null AS because LIMIT $k\n")
    write(tmp_path, "kindless", HEADER + "MATCH (p:Product {id: 'k1'})\n"
                                         "RETURN p.id AS productId, 1 AS score, {product: 'k2'} AS because LIMIT $k\n")
    library = StrategyLibrary([tmp_path])

    assert library.candidates(tiny_shop, "plain", user_id="erin", k=3, seeds=[])[0].reason == {"kind": "plain"}
    assert library.candidates(tiny_shop, "kindless", user_id="erin", k=3, seeds=[])[0].reason == {
        "kind": "kindless", "product": "k2"}


def test_neo4j_plans_a_file_before_its_first_run_and_a_refused_one_is_skipped(tiny_shop, tmp_path):
    write(tmp_path, "same_aisle", SAME_AISLE)
    write(tmp_path, "typo", HEADER + "MATCH (p:Product)\nWHERE p.price >> 1\n"
                                     "RETURN p.id AS productId, 1.0 AS score, {kind: 'x'} AS because LIMIT $k\n")
    library = StrategyLibrary([tmp_path])
    assert library.names() == ("same_aisle", "typo"), "the text checks alone find nothing wrong"

    problems = library.verify(tiny_shop)

    assert len(problems) == 1 and problems[0].startswith(f"{tmp_path / 'typo.cypher'}:5: Neo4j cannot plan it: ")
    assert library.names() == ("same_aisle",)
    assert library.candidates(tiny_shop, "typo", user_id="erin", k=3, seeds=[]) == []


def test_a_run_that_fails_gives_no_rows_and_is_counted(tiny_shop, tmp_path, caplog):
    write(tmp_path, "divides", HEADER + "MATCH (p:Product {id: 'k1'})\n"
                                        "RETURN p.id AS productId, 1 / (size($seeds) - size($seeds)) AS score, "
                                        "{kind: 'x'} AS because LIMIT $k\n")
    library = StrategyLibrary([tmp_path])

    assert library.candidates(tiny_shop, "divides", user_id="erin", k=3, seeds=[]) == []
    assert library.candidates(tiny_shop, "divides", user_id="alice", k=3, seeds=[]) == []

    count, message = library.failures()["divides"]
    assert count == 2 and "by zero" in message
    assert "strategy divides failed" in caplog.text


def test_a_name_no_file_defines_is_refused(tiny_shop, tmp_path):
    with pytest.raises(UnknownStrategyFile):
        StrategyLibrary([tmp_path]).candidates(tiny_shop, "nothing_here", user_id="erin", k=3, seeds=[])


def test_development_mode_picks_up_new_changed_and_deleted_files_without_a_restart(tiny_shop, tmp_path):
    library = StrategyLibrary([tmp_path], reload=True)
    fixed = StrategyLibrary([tmp_path], reload=False)
    assert library.names() == fixed.names() == ()

    write(tmp_path, "same_aisle", SAME_AISLE)
    assert library.names() == ("same_aisle",)
    assert fixed.names() == (), "without development mode the folders are read once"

    write(tmp_path, "same_aisle", SAME_AISLE.replace("1.0 / p.price", "p.price"))  # now dearest first
    assert library.candidates(tiny_shop, "same_aisle", user_id="erin", k=1, seeds=[])[0].product_id == "c4"

    (tmp_path / "same_aisle.cypher").unlink()
    assert library.names() == ()


def test_development_mode_and_extra_folders_come_from_the_environment(tmp_path, monkeypatch):
    write(tmp_path / "mine", "same_aisle", SAME_AISLE)
    monkeypatch.setenv("SHOPGRAPH_STRATEGY_DIRS", str(tmp_path / "mine"))
    monkeypatch.setenv("SHOPGRAPH_STRATEGY_RELOAD", "1")

    library = StrategyLibrary()

    assert library.folders == (STRATEGY_DIR, tmp_path / "mine")
    assert library.reload and "same_aisle" in library.names()


# -- the strategies the project ships ------------------------------------------------------------------------
SHIPPED = ("comes_back_for", "completes_the_basket")


def test_the_shipped_strategies_pass_every_check(tiny_shop):
    library = StrategyLibrary([STRATEGY_DIR])

    assert library.verify(tiny_shop) == []
    assert library.names() == SHIPPED
    assert library.candidate_sources() == SHIPPED


def test_completes_the_basket_adds_what_the_latest_order_lacks(tiny_shop):
    # frank's latest order holds toys (t1, t4), so the toys bought beside them are left out; his kitchen products'
    # other baskets hold the tea towel (k3, in two of k1's five and one of k4's two), the Christmas card (c3, the
    # only card in its one order), the birthday card and the blue teapot (each in one basket and one more order).
    params = strategy_parameters(tiny_shop, "frank", 10)

    found = StrategyLibrary([STRATEGY_DIR]).candidates(tiny_shop, "completes_the_basket", **_named(params))

    assert [c.product_id for c in found] == ["k3", "c3", "c1", "k2"]
    assert found[0].reason == {"kind": "bought_with", "product": "k4", "category": "kitchen"}
    assert found[1].reason == {"kind": "bought_with", "product": "k1", "category": "cards"}


def test_comes_back_for_reads_what_other_shoppers_bought_next(tiny_shop):
    # k1's and k4's buyers came back: bob (o1 -> o2: t2 t3), carol (o3 -> o4: t2 t3 t4, t4 frank has) and
    # alice (o11 -> o12: c3; k1 she had). Kite and kite string came back twice.
    params = strategy_parameters(tiny_shop, "frank", 10)

    found = StrategyLibrary([STRATEGY_DIR]).candidates(tiny_shop, "comes_back_for", **_named(params))

    assert [c.product_id for c in found[:2]] == ["t2", "t3"] and {c.product_id for c in found} == {"t2", "t3", "c3"}
    assert all(c.reason["kind"] == "also_bought" and c.reason["product"] in {"k1", "k4"} for c in found)


def _named(params: dict) -> dict:
    return {"user_id": params["userId"], "k": params["k"], "seeds": params["seeds"]}


def test_a_changed_file_has_a_new_version(tmp_path):
    write(tmp_path, "same_aisle", SAME_AISLE)
    library = StrategyLibrary([tmp_path], reload=True)
    first = library.version("same_aisle")

    write(tmp_path, "same_aisle", SAME_AISLE.replace("1.0 / p.price", "p.price"))

    assert first and library.version("same_aisle") not in (None, first)
    assert library.version("popular") is None
