"""The guard rails a strategy file is held to as it is loaded: each broken rule is a `path:line: message` problem
and the file is skipped, while the good files beside it stay strategies."""
from __future__ import annotations

import pytest

from shopgraph.models.strategy_files import StrategyLibrary

HEADER = """// Products for the test shopper.
// Parameters: userId (string), k (int), seeds (list of {id, weight})
// Columns: productId, score, because
"""
#: A statement that breaks no rule; each test swaps one line for a broken one.
GOOD = """MATCH (p:Product)
WHERE p.price > 0
RETURN p.id AS productId, 1.0 AS score, {kind: 'popular'} AS because
ORDER BY score DESC
LIMIT $k
"""


def problems_of(tmp_path, statement: str, name: str = "trial", header: str = HEADER) -> list[str]:
    (tmp_path / f"{name}.cypher").write_text(header + statement)
    library = StrategyLibrary([tmp_path])
    problems = library.problems()
    if problems:
        assert name not in library.names(), "a file with problems is skipped"
    return problems


def where(tmp_path, line: int, name: str = "trial") -> str:
    return f"{tmp_path / name}.cypher:{line}: "


def test_a_good_file_is_a_strategy(tmp_path):
    assert problems_of(tmp_path, GOOD) == []
    assert StrategyLibrary([tmp_path]).names() == ("trial",)


@pytest.mark.parametrize("clause, shown", [
    ("CREATE (:Product {id: 'x'})", "CREATE"),
    ("MERGE (p)-[:LIKED]->(p)", "MERGE"),
    ("SET p.price = 0", "SET"),
    ("DETACH DELETE p", "DELETE"),
    ("REMOVE p.price", "REMOVE"),
    ("FOREACH (x IN [1] | SET p.seen = true)", "FOREACH"),
    ("LOAD CSV FROM 'file:///x.csv' AS line", "LOAD CSV"),
    ("CALL (p) { SET p.seen = true } IN TRANSACTIONS OF 10 ROWS", "IN TRANSACTIONS"),
])
def test_a_write_clause_is_named_with_its_line(tmp_path, clause, shown):
    statement = GOOD.replace("WHERE p.price > 0", clause)

    problems = problems_of(tmp_path, statement)

    assert f"{where(tmp_path, 5)}{shown} writes; a strategy only reads (it runs in a read transaction)" in problems


def test_a_write_procedure_is_refused(tmp_path):
    statement = GOOD.replace("WHERE p.price > 0", "CALL apoc.create.setProperty(p, 'seen', true) YIELD node")

    assert problems_of(tmp_path, statement) == [
        f"{where(tmp_path, 5)}CALL apoc.create.setProperty writes or reaches outside the graph; a strategy only reads"]


def test_words_in_comments_strings_and_names_are_not_clauses(tmp_path):
    statement = GOOD.replace("WHERE p.price > 0",
                             "// we never CREATE or SET anything\n"
                             "WHERE p.name <> 'SET DELETE' AND p.`create` IS NULL AND p.set IS NULL /* MERGE */")

    assert problems_of(tmp_path, statement) == []


def test_only_the_contract_parameters(tmp_path):
    statement = GOOD.replace("WHERE p.price > 0", "WHERE p.price > $minimum")

    assert problems_of(tmp_path, statement) == [
        f"{where(tmp_path, 5)}$minimum is not a strategy parameter; a strategy gets $userId, $k, $seeds, $before"]


VARIABLE_LENGTH = "has no upper bound; give it one, e.g. *1..3"
QUANTIFIED = "no upper bound; give it one, e.g. {1,3}"


@pytest.mark.parametrize(("pattern", "message"), [
    ("(p)-[:BOUGHT_WITH*]->(q:Product)", VARIABLE_LENGTH), ("(p)-[:BOUGHT_WITH*2..]->(q:Product)", VARIABLE_LENGTH),
    ("(p)-[r*]-(q:Product)", VARIABLE_LENGTH),
    ("(p)-[:BOUGHT_WITH]->+(q:Product)", QUANTIFIED), ("(p)-[:BOUGHT_WITH]->{1,}(q:Product)", QUANTIFIED),
    ("(p) ((a)-[:BOUGHT_WITH]->(b))+ (q:Product)", QUANTIFIED)])
def test_a_variable_length_relationship_or_quantified_path_needs_an_upper_bound(tmp_path, pattern, message):
    statement = GOOD.replace("WHERE p.price > 0", f"MATCH {pattern}").replace("p.id AS", "q.id AS")

    problems = problems_of(tmp_path, statement)

    assert len(problems) == 1 and problems[0].startswith(where(tmp_path, 5))
    assert message in problems[0]


@pytest.mark.parametrize("pattern", ["(p)-[:BOUGHT_WITH*1..3]->(q:Product)", "(p)-[:BOUGHT_WITH*2]->(q:Product)",
                                     "(p)-[:BOUGHT_WITH*..2]->(q:Product)", "(p)-[:BOUGHT_WITH]->{1,3}(q:Product)",
                                     "(p) ((a)-[:BOUGHT_WITH]->(b)){1,2} (q:Product)"])
def test_bounded_walks_pass(tmp_path, pattern):
    statement = GOOD.replace("WHERE p.price > 0", f"MATCH {pattern} WHERE (p.price - 1) * 2 > 0")

    assert problems_of(tmp_path, statement.replace("p.id AS", "q.id AS")) == []


def test_the_final_return_needs_a_limit(tmp_path):
    statement = GOOD.replace("LIMIT $k\n", "")

    assert problems_of(tmp_path, statement) == [
        f"{where(tmp_path, 6)}the final RETURN has no LIMIT; end it with one, e.g. LIMIT $k"]


def test_a_limit_inside_a_subquery_does_not_bound_the_result(tmp_path):
    statement = ("CALL () { MATCH (p:Product) RETURN p LIMIT 10 }\n"
                 "RETURN p.id AS productId, 1.0 AS score, {kind: 'popular'} AS because\n")

    assert problems_of(tmp_path, statement) == [
        f"{where(tmp_path, 5)}the final RETURN has no LIMIT; end it with one, e.g. LIMIT $k"]


def test_the_declared_columns_are_returned(tmp_path):
    statement = GOOD.replace("{kind: 'popular'} AS because", "{kind: 'popular'} AS reason")

    assert problems_of(tmp_path, statement) == [
        f"{where(tmp_path, 6)}returns productId, score, reason; the Columns line declares productId, score, because"]


def test_the_columns_line_declares_the_contract(tmp_path):
    header = HEADER.replace("// Columns: productId, score, because", "// Columns: productId, score (how good)")

    assert problems_of(tmp_path, GOOD, header=header) == [
        f"{where(tmp_path, 3)}the Columns line declares productId, score; a strategy returns productId, score, because"]


def test_the_header_says_what_it_finds_and_its_parameters(tmp_path):
    header = "// Parameters: userId, k, seeds\n// Columns: productId, score, because\n"

    assert problems_of(tmp_path, GOOD, header=header) == [
        f"{where(tmp_path, 1)}the header opens by saying what the strategy finds (a // comment line)"]
    assert problems_of(tmp_path, GOOD, header=HEADER.replace("// Parameters: userId (string), k (int), seeds "
                                                             "(list of {id, weight})\n", "")) == [
        f"{where(tmp_path, 1)}no // Parameters: line; a strategy gets userId, k, seeds, before"]


def test_one_statement_per_file(tmp_path):
    problems = problems_of(tmp_path, GOOD + ";\nMATCH (n) RETURN n LIMIT 1\n")

    assert problems[0] == f"{where(tmp_path, 9)}a strategy file holds one statement; this `;` starts another"


@pytest.mark.parametrize("name, message", [
    ("popular", "'popular' is a built-in strategy; name the file otherwise"),
    ("Odd-Name", "'Odd-Name' cannot name a strategy: use lower-case letters, digits and _, starting with a letter"),
])
def test_a_strategy_name_is_new_and_plain(tmp_path, name, message):
    assert problems_of(tmp_path, GOOD, name=name) == [f"{where(tmp_path, 1, name)}{message}"]


def test_the_candidate_source_flag_is_read(tmp_path):
    as_of = GOOD.replace("WHERE p.price > 0", "WHERE p.price > 0 AND ($before IS NULL OR p.addedAt < $before)")
    (tmp_path / "feeds.cypher").write_text(HEADER + "// Candidate source: yes, for hybrid and multi\n" + as_of)
    (tmp_path / "alone.cypher").write_text(HEADER + GOOD)
    (tmp_path / "unsure.cypher").write_text(HEADER + "// Candidate source: maybe\n" + GOOD)

    library = StrategyLibrary([tmp_path])

    assert library.names() == ("alone", "feeds")
    assert library.candidate_sources() == ("feeds",)
    assert library.problems() == [f"{tmp_path / 'unsure.cypher'}:4: Candidate source: says 'maybe'; write yes or no"]


def test_a_name_taken_in_an_earlier_folder_is_a_problem_of_the_later_file(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "trial.cypher").write_text(HEADER + GOOD)
    (second / "trial.cypher").write_text(HEADER + GOOD)

    library = StrategyLibrary([first, second])

    assert library.get("trial").path == first / "trial.cypher"
    assert library.problems() == [
        f"{second / 'trial.cypher'}:1: strategy 'trial' is already defined by {first / 'trial.cypher'}"]


def test_a_broken_file_is_skipped_and_the_others_stay(tmp_path, caplog):
    (tmp_path / "good.cypher").write_text(HEADER + GOOD)
    (tmp_path / "broken.cypher").write_text(HEADER + GOOD.replace("WHERE p.price > 0", "SET p.price = 0"))

    library = StrategyLibrary([tmp_path])

    assert library.names() == ("good",)
    assert library.get("broken") is None
    assert [problem.split(": ", 1)[0] for problem in library.problems()] == [f"{tmp_path / 'broken.cypher'}:5"]
    assert "broken.cypher:5: SET writes" in caplog.text, "the shop's log says why the file was skipped"


def test_a_named_folder_that_does_not_exist_is_a_problem(tmp_path):
    library = StrategyLibrary([tmp_path / "nowhere"])

    assert library.names() == ()
    assert library.problems() == [f"{tmp_path / 'nowhere'}: no such folder"]
