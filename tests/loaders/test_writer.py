"""The writer's promises: a load stopped part-way is completed by a rerun, a reset starts clean, and
`shopgraph load` prints the summary (or a clear error)."""
from __future__ import annotations

from pathlib import Path

import neo4j
import pytest
from click.testing import CliRunner

from shopgraph import loaders
from shopgraph.loaders import csv_folder, rows, writer
from shopgraph.loaders.summary import LoadSummary
from shopgraph.loaders.tables import Rejection
from shopgraph.loaders.writer import add_product_keys, graph_counts, write_tables

EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "csv-example"


class Crash(RuntimeError):
    pass


def clean_counts(graph) -> dict[str, int]:
    graph.wipe()
    loaders.load(graph, "csv", path=EXAMPLE, progress=False)
    return graph_counts(graph)


def test_a_rerun_completes_a_load_that_stopped_between_stages(graph):
    expected = clean_counts(graph)
    graph.wipe()

    def stop_at_purchases(stage):
        if stage.title == "purchases":
            raise Crash("power cut")

    with pytest.raises(Crash):
        write_tables(graph, csv_folder.read(EXAMPLE), progress=False, on_stage=stop_at_purchases)
    assert graph_counts(graph)["Order"] == 5 and graph_counts(graph).get("PURCHASED", 0) == 0
    loaders.load(graph, "csv", path=EXAMPLE, progress=False)
    assert graph_counts(graph) == expected


def test_a_rerun_completes_a_stage_that_stopped_half_way(graph):
    expected = clean_counts(graph)
    graph.wipe()
    tables = csv_folder.read(EXAMPLE)
    graph.apply_schema()
    nodes, links = rows.category_rows(tables)
    graph.write_batches("load_categories", nodes)
    graph.write_batches("load_category_parents", links)
    graph.write_batches("load_products", rows.product_rows(tables))
    graph.write_batches("load_users", rows.user_rows(tables))
    first_shoppers = rows.order_rows(tables)[:2]
    add_product_keys(graph, "load_orders", first_shoppers)
    graph.write_batches("load_orders", first_shoppers)  # then the process died
    loaders.load(graph, "csv", path=EXAMPLE, progress=False)
    assert graph_counts(graph) == expected


def test_an_order_line_for_a_product_not_in_the_graph_is_skipped(graph):
    loaders.load(graph, "csv", path=EXAMPLE, progress=False)
    shopper = {"userId": "di", "orders": [{"id": "late-1", "at": 1700000000000, "productIds": ["MUG-1", "GONE-9"],
                                           "quantities": [2.0, 1.0], "prices": [4.5, 9.0]}]}
    add_product_keys(graph, "load_orders", [shopper])
    assert shopper["orders"][0]["productKeys"][1] is None

    graph.write_batches("load_orders", [shopper])

    lines = graph.read("MATCH (:User {id: 'di'})-[:PLACED]->(:Order {id: 'late-1'})-[c:CONTAINS]->(p:Product) "
                       "RETURN p.id AS id, c.quantity AS quantity")
    assert lines == [{"id": "MUG-1", "quantity": 2.0}]


def test_a_shopper_with_edges_of_their_own_gets_the_dataset_ones_merged(graph):
    """A user who already bought or rated in the shop takes the MERGE path, not the bulk CREATE one."""
    graph.apply_schema()
    graph.write("MERGE (u:User {id: 'ada'}) MERGE (p:Product {id: 'GIFT-1'}) "
                "MERGE (u)-[:PURCHASED {count: 1, quantity: 1.0}]->(p) MERGE (u)-[:RATED {rating: 2.0}]->(p)")
    loaders.load(graph, "csv", path=EXAMPLE, progress=False)
    loaders.load(graph, "csv", path=EXAMPLE, progress=False)
    counts = graph_counts(graph)
    assert (counts["PURCHASED"], counts["RATED"]) == (9 + 1, 4 + 1)
    edges = graph.read("MATCH (:User {id: 'ada'})-[r:PURCHASED]->(p:Product) RETURN p.id AS id, r.quantity AS qty "
                       "ORDER BY id")
    assert edges == [{"id": "GIFT-1", "qty": 1.0}, {"id": "MUG-1", "qty": 2.0}, {"id": "TEA-1", "qty": 1.0}]


def test_reset_empties_the_graph_first(graph):
    loaders.load(graph, "csv", path=EXAMPLE, progress=False)
    graph.write("CREATE (:Product {id: 'stray', name: 'Left over'})")
    loaders.load(graph, "csv", path=EXAMPLE, reset=True, progress=False)
    assert graph.read_value("MATCH (p:Product {id: 'stray'}) RETURN count(p) AS n") == 0


def test_product_ratings_come_from_every_rated_edge(graph):
    """Averages are recomputed from RATED edges, so a rating given in the shop counts after a reload."""
    loaders.load(graph, "csv", path=EXAMPLE, progress=False)
    graph.write("MATCH (u:User {id: 'cy'}), (p:Product {id: 'TEA-2'}) MERGE (u)-[:RATED {rating: 5.0}]->(p)")
    loaders.load(graph, "csv", path=EXAMPLE, progress=False)
    rating = graph.read_one("MATCH (p:Product {id: 'TEA-2'}) RETURN p.avgRating AS avg, p.ratingCount AS n")
    assert rating == {"avg": 4.0, "n": 2}  # bo's 3 from the file and cy's 5 from the shop
    unrated = graph.read_one("MATCH (p:Product {id: 'GIFT-1'}) RETURN p.avgRating AS avg, p.ratingCount AS n")
    assert unrated == {"avg": None, "n": 0}


def test_the_report_groups_rejections_by_reason():
    rejected = [Rejection("events.csv", line, f"unknown product: 'P{line}'") for line in range(2, 12)]
    rejected.append(Rejection("events.csv", 20, "missing timestamp"))
    summary = LoadSummary("csv", before={"Product": 0}, after={"Product": 3, "RATED": 4}, rejected=rejected,
                          write_seconds=2.0, relationships_written=4)
    report = summary.report(limit=4)
    assert "  unknown product: 10 rows" in report
    assert "    events.csv:2: unknown product: 'P2'" in report
    assert "events.csv:4:" not in report  # four listed in all, spread over the two reasons
    assert "  missing timestamp: 1 row\n    events.csv:20: missing timestamp" in report
    assert "  Product                  3          +3" in report
    assert "4 relationships written in 2.0 s: 2 per second." in report


@pytest.fixture
def cli_env(monkeypatch, neo4j_settings):
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.uri)
    monkeypatch.setenv("NEO4J_USER", neo4j_settings.user)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings.password)


def test_the_load_command_prints_the_summary(graph, cli_env):
    from shopgraph.cli import main

    result = CliRunner().invoke(main, ["load", "csv", "--path", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "Loaded csv in" in result.output and "PURCHASED" in result.output
    assert graph_counts(graph)["Product"] == 10


def test_the_load_command_explains_a_bad_folder(graph, cli_env, tmp_path):
    from shopgraph.cli import main

    result = CliRunner().invoke(main, ["load", "csv", "--path", str(tmp_path)])
    assert result.exit_code == 1
    assert "holds no products.csv" in result.output
    assert "Traceback" not in result.output


def test_batches_written_side_by_side_give_the_same_graph(graph, monkeypatch):
    """Orders and purchase roll-ups go in concurrent batches; small batches make many of them."""
    expected = clean_counts(graph)
    graph.wipe()
    monkeypatch.setattr(writer, "RELATIONSHIPS_PER_TRANSACTION", 3)
    batches: list[int] = []
    plain = graph.write_batches
    monkeypatch.setattr(graph, "write_batches",
                        lambda *args, **kwargs: plain(*args, on_batch=batches.append,
                                                      **{k: v for k, v in kwargs.items() if k != "on_batch"}))
    write_tables(graph, csv_folder.read(EXAMPLE), progress=False)
    assert graph_counts(graph) == expected
    assert len(batches) > 10


def test_a_failing_batch_stops_the_load_with_its_error(graph):
    rows = [{"n": n, "divisor": 0 if n == 7 else 1} for n in range(20)]
    with pytest.raises(neo4j.exceptions.ClientError, match="/ by zero"):
        graph.write_batches("UNWIND $rows AS row CREATE (:Probe {n: row.n / row.divisor})", rows,
                            batch_size=2, writers=2)
    assert graph.read_value("MATCH (p:Probe) RETURN count(p) AS n") < 20
