"""Strategy files as candidate sources of hybrid and multi, against the real Neo4j: a file that says ``Candidate
source: yes`` adds its products and its reasons to their lists, a broken one costs them nothing, a changed one is
not answered from lists cached for the old text, and the guard rail that keeps a candidate source from reading the
validation period it is trained on; the tiny shop of tests/models/shop_fixture.py."""
from __future__ import annotations

from datetime import timedelta

import pytest

from shopgraph.models.serving import RecommendationService
from shopgraph.models.strategy_files import StrategyLibrary
from tests.models.shop_fixture import NOW

PARTY = """// The seed tray, for every shopper: what a party needs.
// Parameters: userId (string), k (int), seeds (list of {id, weight}), before (datetime or null)
// Columns: productId, score, because
// Candidate source: yes
MATCH (p:Product {id: 'g3'})
WHERE $before IS NULL OR EXISTS { (p)<-[:CONTAINS]-(o:Order) WHERE o.at < $before }
RETURN p.id AS productId, 5.0 AS score, {kind: 'great_for_parties', product: $seeds[0].id} AS because
LIMIT $k
"""
#: Fails as it runs (a division by zero Neo4j finds only then), after passing every check at load time.
BROKEN = """// Fails for every shopper.
// Parameters: userId (string), k (int), seeds (list of {id, weight}), before (datetime or null)
// Columns: productId, score, because
// Candidate source: yes
MATCH (p:Product {id: 'g3'})
WHERE $before IS NULL OR p.price > 0
RETURN p.id AS productId, 1 / size([seed IN $seeds WHERE false]) AS score, {kind: 'broken'} AS because
LIMIT $k
"""
#: The products of the seeds' aisles, by how many orders held them before $before.
AISLE_SELLERS = """// The best sellers of the shopper's aisles, as of $before.
// Parameters: userId (string), k (int), seeds (list of {id, weight}), before (datetime or null)
// Columns: productId, score (orders before $before), because
// Candidate source: yes
UNWIND $seeds[..5] AS seed
MATCH (s:Product {id: seed.id})-[:IN_CATEGORY]->(c:Category)<-[:IN_CATEGORY]-(p:Product)
WHERE p <> s
WITH DISTINCT p, c
RETURN p.id AS productId, COUNT { (p)<-[:CONTAINS]-(o:Order) WHERE $before IS NULL OR o.at < $before } AS score,
       {kind: 'same_category', category: c.id} AS because
ORDER BY score DESC, productId
LIMIT $k
"""


def write(folder, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.cypher").write_text(text)


def served(tiny_shop, tmp_path, library: StrategyLibrary) -> RecommendationService:
    return RecommendationService(tiny_shop, artefacts_dir=tmp_path / "artifacts", strategy_library=library)


def reasons(items, product_id: str) -> list[dict]:
    return next((item.because for item in items if item.product_id == product_id), [])


@pytest.mark.parametrize("strategy", ["hybrid", "multi"])
def test_a_candidate_source_adds_its_products_with_its_reasons(tiny_shop, tmp_path, strategy):
    write(tmp_path / "on", "party", PARTY)
    write(tmp_path / "off", "party", PARTY.replace("Candidate source: yes", "Candidate source: no"))

    with_file = served(tiny_shop, tmp_path, StrategyLibrary([tmp_path / "on"])).recommend("erin", 12, strategy)
    without = served(tiny_shop, tmp_path, StrategyLibrary([tmp_path / "off"])).recommend("erin", 12, strategy)

    # the seed tray joins erin's list with the file's reason, naming her strongest seed, one of her products
    party = [reason for reason in reasons(with_file, "g3") if reason["kind"] == "great_for_parties"]
    assert len(party) == 1 and party[0]["product"] in {"c1", "c2", "k2", "k3"}
    assert not any(reason["kind"] == "great_for_parties" for item in without for reason in item.because)


def test_a_broken_candidate_source_leaves_hybrid_and_multi_serving(tiny_shop, tmp_path):
    write(tmp_path / "broken", "broken", BROKEN)
    write(tmp_path / "none", "unrelated", PARTY.replace("Candidate source: yes", "Candidate source: no"))
    library = StrategyLibrary([tmp_path / "broken"])
    assert library.candidate_sources() == ("broken",)

    for strategy in ("hybrid", "multi"):
        found = served(tiny_shop, tmp_path, library).recommend("erin", 10, strategy)
        plain = served(tiny_shop, tmp_path, StrategyLibrary([tmp_path / "none"])).recommend("erin", 10, strategy)

        assert [item.product_id for item in found] == [item.product_id for item in plain]
    assert library.failures()["broken"][0] >= 2, "the failed runs are counted, as for any strategy file"


def test_a_candidate_source_must_read_the_graph_as_of_before(tmp_path):
    blind = PARTY.replace("WHERE $before IS NULL OR EXISTS { (p)<-[:CONTAINS]-(o:Order) WHERE o.at < $before }\n", "")
    write(tmp_path, "blind", blind)
    write(tmp_path, "alone", blind.replace("Candidate source: yes", "Candidate source: no"))
    library = StrategyLibrary([tmp_path], log=False)

    assert library.names() == ("alone",), "a strategy of its own need not read $before"
    [problem] = library.problems()
    assert problem.startswith(f"{tmp_path / 'blind.cypher'}:4: a candidate source reads the graph as of $before")
    assert "never uses it" in problem and "WHERE $before IS NULL OR o.at < $before" in problem


def test_before_hides_what_happened_later(tiny_shop, tmp_path):
    write(tmp_path, "aisle_sellers", AISLE_SELLERS)
    library = StrategyLibrary([tmp_path])
    seeds = [{"id": "k3", "weight": 1.0}]

    now = {row.product_id: row.score for row in library.candidates(tiny_shop, "aisle_sellers", user_id="erin", k=10,
                                                                    seeds=seeds)}
    then = {row.product_id: row.score for row in library.candidates(tiny_shop, "aisle_sellers", user_id="erin", k=10,
                                                                     seeds=seeds, before=NOW - timedelta(days=9))}

    # k1 is in o1 (30 days ago), o3 (20), o11 (12), o12 (6) and o10 (4): three of them before 9 days ago
    assert (now["k1"], then["k1"]) == (5, 3)
    assert (now["k2"], then["k2"]) == (2, 1)


def test_a_changed_file_is_not_answered_from_lists_cached_for_the_old_one(tiny_shop, tmp_path):
    write(tmp_path, "party", PARTY)
    service = served(tiny_shop, tmp_path, StrategyLibrary([tmp_path], reload=True))
    before = {strategy: service.recommend("erin", 12, strategy) for strategy in ("party", "hybrid", "multi")}
    assert before["party"][0].because[0]["kind"] == "great_for_parties"

    write(tmp_path, "party", PARTY.replace("great_for_parties", "perfect_for_picnics"))

    for strategy in ("party", "hybrid", "multi"):
        kinds = {reason["kind"] for reason in reasons(service.recommend("erin", 12, strategy), "g3")}
        assert "perfect_for_picnics" in kinds and "great_for_parties" not in kinds, strategy
    assert service.served["cached"] == 0
