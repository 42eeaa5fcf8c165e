"""Cloned shoppers for the growth figures, and `shopgraph bench`'s answer to bad options (no Neo4j needed)."""
from __future__ import annotations

from click.testing import CliRunner

from shopgraph import loaders
from shopgraph.bench.growth import cloned_shoppers
from shopgraph.bench.workloads import build
from shopgraph.cli import main
from shopgraph.models.serving import DEFAULT_STRATEGY
from tests.bench.tiny_shop import write_invoices


def test_cloned_shoppers_repeat_every_history_under_new_ids(tmp_path):
    tables = loaders.read("online-retail", write_invoices(tmp_path / "online_retail.csv"))
    clones = cloned_shoppers(tables, range(1, 4))

    assert len(clones.users) == 3 * len(tables.users)
    assert len(clones.events) == 3 * len(tables.events)
    originals = set(tables.users["id"])
    assert not originals & set(clones.users["id"])
    assert set(clones.events["user_id"]) == set(clones.users["id"])
    # each copy has its own orders, with the same baskets as the originals
    assert clones.events["order_id"].nunique() == 3 * tables.events["order_id"].nunique()
    first = clones.events[clones.events["user_id"] == "12001-c1"]
    original = tables.events[tables.events["user_id"] == "12001"]
    assert sorted(first["product_id"]) == sorted(original["product_id"])
    assert clones.products.empty, "the catalogue is in the graph already"


def shoppers_of(workload):
    return [path.split("user_id=")[1].split("&")[0] for path in workload.paths]


def test_workloads_ask_for_every_original_shopper_in_a_shuffled_order(tmp_path):
    tables = loaders.read("online-retail", write_invoices(tmp_path / "online_retail.csv"))
    workloads = build(tables, token="t0ken")

    recommendations, live = workloads["recommendations"], workloads["live"]
    # a fifth of the shoppers act (like, then read) in the live phases; the rest are asked as they are
    assert sorted(shoppers_of(recommendations) + shoppers_of(live)) == sorted(tables.users["id"])
    assert len(shoppers_of(live)) == len(tables.users) // 5
    assert not set(shoppers_of(live)) & set(shoppers_of(recommendations))
    assert [body["user_id"] for body in live.act["bodies"]] == shoppers_of(live)
    assert {body["type"] for body in live.act["bodies"]} == {"like"} and live.act["path"] == "/api/v1/events"
    assert recommendations.paths != sorted(recommendations.paths)
    # the bench measures what shoppers get: the shop's default strategy
    assert all(f"strategy={DEFAULT_STRATEGY}" in path and "k=10" in path for path in recommendations.paths)
    assert recommendations.headers == {"Authorization": "Bearer t0ken"}
    assert len(workloads["product_page"].paths) == 12
    assert "/search?q=heart" in workloads["search_page"].paths


def test_bench_rejects_a_bad_scale_list_with_a_clear_message():
    result = CliRunner().invoke(main, ["bench", "--scales", "1,two"])
    assert result.exit_code == 2
    assert "comma-separated list of whole numbers" in result.output
    assert "Traceback" not in result.output
