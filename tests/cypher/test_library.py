"""The Cypher library: every file in cypher/ documents itself, and every read query runs, as its header's
`// Example:` line says, through `shopgraph cypher` against a small graph, and finds something there."""
from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from shopgraph.cli import main
from shopgraph.graph import queries
from tests.webapp.shop import stock

LIBRARY = Path(__file__).parent / "library.cypher"
NAMES = queries.names()
WRITE_CLAUSE = re.compile(r"\b(CREATE|MERGE|SET|DELETE|REMOVE|DETACH)\b")
#: Read queries whose example may find nothing in the test graph, with the reason (none so far: the graph in
#: library.cypher is made so that every example finds rows).
MAY_FIND_NOTHING: dict[str, str] = {}


def header(name: str) -> str:
    return queries.describe(name)


def is_write(name: str) -> bool:
    return any(line.startswith("Writes:") for line in header(name).splitlines())


READS = [name for name in NAMES if not is_write(name)]


def test_the_library_has_reads_and_writes():
    assert {"bought_with", "similar_products", "trending", "rules", "activity_per_day"} <= set(READS)
    assert {"create_rule", "record_recommendation_lists", "place_order", "schema"} <= set(NAMES) - set(READS)


@pytest.mark.parametrize("name", NAMES)
def test_every_file_says_what_it_finds_its_parameters_and_columns(name):
    lines = header(name).splitlines()
    assert lines and not re.match(r"^(Parameters|Columns|Example|Writes):", lines[0]), \
        f"{name}: the header starts by saying what the query finds or does"
    assert any(line.startswith("Parameters") for line in lines), f"{name}: no Parameters line"
    if name != "schema":
        assert any(line.startswith("Columns:") for line in lines), f"{name}: no Columns line"


@pytest.mark.parametrize("name", NAMES)
def test_reads_have_a_runnable_example_and_writes_are_marked(name):
    statement = "\n".join(queries.statements(name)) if name == "schema" else queries.query(name)
    if is_write(name):
        assert WRITE_CLAUSE.search(statement) or name == "schema", f"{name} is marked Writes but writes nothing"
        return
    assert not WRITE_CLAUSE.search(statement), f"{name} writes: mark it with a '// Writes:' header line"
    examples = [line for line in header(name).splitlines() if line.startswith("Example:")]
    assert examples and examples[0].startswith(f"Example: shopgraph cypher {name}"), \
        f"{name}: the Example line should be a `shopgraph cypher {name} ...` call"


@pytest.fixture(scope="module")
def library(session_graph, neo4j_settings):
    """The fixture shop plus tests/cypher/library.cypher, written once for this module."""
    session_graph.wipe()
    stock(session_graph)
    text = "\n".join(line for line in LIBRARY.read_text().splitlines() if not line.lstrip().startswith("//"))
    for statement in (part.strip() for part in text.split(";")):
        if statement:
            session_graph.write(statement)
    session_graph.run_autocommit("CALL db.awaitIndexes(60)")
    yield {"NEO4J_URI": neo4j_settings.uri, "NEO4J_USER": neo4j_settings.user,
           "NEO4J_PASSWORD": neo4j_settings.password, "NEO4J_DATABASE": neo4j_settings.database}
    session_graph.wipe()


@pytest.mark.parametrize("name", READS)
def test_every_read_query_runs_as_its_example_says_and_finds_something(library, name):
    example = next(line for line in header(name).splitlines() if line.startswith("Example:"))
    words = shlex.split(example[len("Example:"):])
    assert words[:3] == ["shopgraph", "cypher", name]

    result = CliRunner().invoke(main, [*words[1:], "--json"], env=library)

    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    if name not in MAY_FIND_NOTHING:
        assert rows, f"`{example[9:]}` found nothing in the library's test graph"
