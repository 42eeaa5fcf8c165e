"""Online metrics: every list served gets an id, clicks are attributed to the list they came from, and an A/B
test splits shoppers by a stable hash, with click-through and conversion per variant."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from neo4j.exceptions import ServiceUnavailable

from shopgraph.cli import main
from shopgraph.graph.db import Graph
from shopgraph.graph.experiments import Experiments, RecommendationLists, assign_variant, wilson_interval
from shopgraph.webapp.online_metrics import ListLog
from tests.merch.accounts import flush
from tests.webapp.shop import bearer

REC_LINK = re.compile(r'class="card-link" href="/products/([^"?]+)\?rec=([0-9a-f]{32})"')


def shelf_links(page: str, heading: str) -> list[tuple[str, str]]:
    """(product id, list id) of each card in the shelf under ``heading``."""
    start = page.index(f">{heading}</h2>")
    end = page.find('<section class="shelf"', start)
    return REC_LINK.findall(page[start:end if end > 0 else None])


def lists(app) -> RecommendationLists:
    return RecommendationLists(app.extensions["neo4j"])


def test_a_visitors_shelf_links_its_products_to_the_days_tally(app, client, shop):
    links = shelf_links(client.get("/").get_data(as_text=True), "Trending now")
    flush(app)

    assert links and len({list_id for _, list_id in links}) == 1
    tally = lists(app).tally(links[0][1])
    assert (tally["surface"], tally["strategy"], tally["lists"], tally["impressions"]) == \
        ("home", "trending", 1, len(links))
    assert lists(app).get(links[0][1]) is None, "a visitor's list is counted, not kept"


def nodes(graph) -> int:
    return graph.read_value("MATCH (n) RETURN count(n)")


def test_two_hundred_anonymous_requests_add_a_few_tallies_and_count_every_list(app, client, shop):
    before = nodes(shop)
    for _ in range(100):
        client.get("/")
        client.get(f"/products/22423?rec={uuid.uuid4().hex}")
    flush(app)

    added = nodes(shop) - before
    assert added <= 3, f"{added} nodes for 200 anonymous requests (one tally per day, surface and strategy)"
    since = datetime.now(UTC) - timedelta(days=1)
    visitors = {row["surface"]: row for row in lists(app).click_through(since) if row["visitors"]}
    assert visitors["home (visitors)"]["lists"] == 100
    assert visitors["home (visitors)"]["clicks"] == 0, "a click naming no list counts nowhere"


def test_a_visitors_click_counts_on_the_tally(app, client, shop):
    product_id, list_id = shelf_links(client.get("/").get_data(as_text=True), "Trending now")[0]

    client.get(f"/products/{product_id}?rec={list_id}")
    flush(app)

    assert lists(app).tally(list_id)["clicks"] == 1
    since = datetime.now(UTC) - timedelta(days=1)
    home = next(row for row in lists(app).click_through(since) if row["surface"] == "home (visitors)")
    assert (home["lists"], home["clicks"], home["click_through"]["successes"]) == (1, 1, 1)


def test_a_click_with_an_unknown_list_id_creates_nothing(app, client, shop):
    client.get("/products/22423")  # the product page's own tallies exist from here on
    flush(app)
    before = nodes(shop)

    client.get(f"/products/22423?rec={'e' * 32}")
    flush(app)

    assert nodes(shop) == before
    assert lists(app).get("e" * 32) is None and lists(app).tally("e" * 32) is None


def test_a_click_is_recorded_against_the_list_it_came_from(app, bob):
    product_id, list_id = shelf_links(bob.client.get("/").get_data(as_text=True), "Recommended for you")[1]

    assert bob.client.get(f"/products/{product_id}?rec={list_id}").status_code == 200
    flush(app)

    served = lists(app).get(list_id)
    assert served["userId"] == "u-bob" and served["clicked"] == [product_id]
    since = served["at"] - timedelta(minutes=1)
    home = [row for row in lists(app).click_through(since) if row["surface"] == "home"]
    # Signing in showed Bob the home page once before, so two lists, one of them clicked.
    assert [(row["lists"], row["clicks"], row["click_through"]["successes"]) for row in home] == [(2, 1, 1)]


def test_a_click_on_a_product_the_list_did_not_show_does_not_count(app, bob):
    links = shelf_links(bob.client.get("/").get_data(as_text=True), "Recommended for you")
    shown = {product_id for product_id, _ in links}
    other = next(pid for pid in ("22423", "22697", "22699", "85123A", "21733", "22112") if pid not in shown)

    bob.client.get(f"/products/{other}?rec={links[0][1]}")
    bob.client.get("/products/22423?rec=not-a-list-id")
    flush(app)

    since = lists(app).get(links[0][1])["at"] - timedelta(minutes=1)
    home = [row for row in lists(app).click_through(since) if row["surface"] == "home"]
    assert [(row["clicks"], row["click_through"]["successes"]) for row in home] == [(0, 0)]


def test_product_pages_serve_lists_too(app, client, bob):
    visitors_page = client.get("/products/22423").get_data(as_text=True)
    bobs_page = bob.client.get("/products/22423").get_data(as_text=True)
    flush(app)

    visitors, bobs = shelf_links(visitors_page, "Similar items"), shelf_links(bobs_page, "Similar items")
    assert visitors and bobs
    assert lists(app).tally(visitors[0][1])["strategy"] == "similar_products"
    assert lists(app).get(bobs[0][1])["strategy"] == "similar_products"


def test_the_api_gives_each_list_an_id_and_takes_clicks(app, client, merchandiser_token):
    body = client.get("/api/v1/recommendations?user_id=u-bob&k=3", headers=bearer(merchandiser_token)).get_json()
    list_id = body["list_id"]
    assert re.fullmatch(r"[0-9a-f]{32}", list_id)
    assert all(item["product"]["url"].endswith(f"?rec={list_id}") for item in body["items"])

    clicked = body["items"][0]["product_id"]
    response = client.post(f"/api/v1/recommendations/{list_id}/clicks", json={"product_id": clicked},
                           headers=bearer(merchandiser_token))
    assert response.status_code == 200
    flush(app)

    served = lists(app).get(list_id)
    assert served["surface"] == "api" and served["showed"] == [item["product_id"] for item in body["items"]]
    assert served["clicked"] == [clicked]


@pytest.mark.parametrize("list_id, body, status, field", [
    ("0" * 32, {"product_id": "nope"}, 404, "product_id"),
    ("0" * 32, {}, 400, "product_id"),
    ("not-a-list", {"product_id": "22423"}, 404, "list_id"),
])
def test_bad_clicks_are_refused(client, merchandiser_token, list_id, body, status, field):
    response = client.post(f"/api/v1/recommendations/{list_id}/clicks", json=body,
                           headers=bearer(merchandiser_token))

    assert response.status_code == status
    assert response.get_json()["error"]["field"] == field


# -- experiments -----------------------------------------------------------------------------------
def test_a_shopper_always_gets_the_same_variant():
    assert {assign_variant("x-1", "u-ada") for _ in range(5)} == {assign_variant("x-1", "u-ada")}
    assert assign_variant("x-1", "u-ada") == "B" and assign_variant("x-1", "u-bob") == "A", \
        "sha256-based, so the same in every process and release"


def test_the_split_is_even_and_each_experiment_splits_anew():
    users = [f"user-{n}" for n in range(2000)]
    first = Counter(assign_variant("x-1", user) for user in users)
    both = Counter((assign_variant("x-1", user), assign_variant("x-2", user)) for user in users)

    assert 900 < first["A"] < 1100
    assert all(400 < both[pair] < 600 for pair in [("A", "A"), ("A", "B"), ("B", "A"), ("B", "B")])


def test_the_wilson_interval():
    assert wilson_interval(0, 0) == (0.0, 0.0)
    low, high = wilson_interval(5, 10)
    assert round(low, 4) == 0.2366 and round(high, 4) == 0.7634
    low, high = wilson_interval(0, 20)
    assert low == 0.0 and round(high, 4) == 0.1611, "never below zero, unlike the normal interval"


def test_an_experiment_splits_the_home_page_and_counts_clicks_and_orders(app, mia, ada, bob):
    assert {assign_variant("x-ab", "u-ada"), assign_variant("x-ab", "u-bob")} == {"A", "B"}
    experiments = Experiments(app.extensions["neo4j"])
    app.extensions["neo4j"].write(
        "CREATE (:Experiment {id: 'x-ab', name: 'Popular against trending', strategyA: 'popular', "
        "strategyB: 'trending', active: false, createdAt: datetime()})")
    assert mia.post_form("/merch/experiments/x-ab/switch", {"start": "1"}).status_code == 303

    pages = {who.id: who.client.get("/").get_data(as_text=True) for who in (ada, bob)}
    flush(app)
    for who in (ada, bob):
        product_id, list_id = shelf_links(pages[who.id], "Recommended for you")[0]
        served = lists(app).get(list_id)
        variant = assign_variant("x-ab", who.id)
        assert (served["experimentId"], served["variant"]) == ("x-ab", variant)
        assert served["strategy"] == ("popular" if variant == "A" else "trending")

    # Bob clicks his first product and buys it; Ada only looks.
    bob_product, bob_list = shelf_links(pages["u-bob"], "Recommended for you")[0]
    bob.client.get(f"/products/{bob_product}?rec={bob_list}")
    bob.post_form(f"/products/{bob_product}/feedback", {"type": "purchase", "value": "1"})
    flush(app)

    results = {row["variant"]: row for row in experiments.results(experiments.active())}
    bobs, adas = results[assign_variant("x-ab", "u-bob")], results[assign_variant("x-ab", "u-ada")]
    assert (bobs["shoppers"], bobs["click_through"]["successes"], bobs["conversion"]["successes"]) == (1, 1, 1)
    assert (adas["shoppers"], adas["click_through"]["successes"], adas["conversion"]["successes"]) == (1, 0, 0)

    page = mia.client.get("/merch/experiments").get_data(as_text=True)
    assert "Popular against trending" in page and "running" in page
    assert "100.0%</strong>" in page and "95% CI" in page


def test_stopping_the_experiment_gives_everyone_the_default_again(app, mia, ada):
    app.extensions["neo4j"].write(
        "CREATE (:Experiment {id: 'x-stop', name: 'Stop me', strategyA: 'popular', strategyB: 'trending', "
        "active: false, createdAt: datetime()})")
    mia.post_form("/merch/experiments/x-stop/switch", {"start": "1"})
    mia.post_form("/merch/experiments/x-stop/switch", {"start": "0"})

    page = ada.client.get("/").get_data(as_text=True)
    flush(app)

    served = lists(app).get(shelf_links(page, "Recommended for you")[0][1])
    assert served["experimentId"] is None and served["strategy"] == "multi"


def test_experiments_are_created_from_the_dashboard_and_bad_ones_refused(mia):
    bad = mia.post_form("/merch/experiments", {"name": "Same twice", "strategy_a": "hybrid", "strategy_b": "hybrid"})
    assert bad.status_code == 400 and "Choose two different strategies" in bad.get_data(as_text=True)

    made = mia.post_form("/merch/experiments", {"name": "Multi against hybrid", "strategy_a": "hybrid",
                                                "strategy_b": "multi"})
    assert made.status_code == 303
    page = mia.client.get("/merch/experiments").get_data(as_text=True)
    assert "Multi against hybrid" in page and "stopped" in page and "no data yet" in page


# -- the batching writer the running shop uses ----------------------------------------------------------
def test_the_writer_batches_lists_and_clicks_in_the_background(shop):
    log = ListLog(shop, delay=0.05)
    now = datetime.now(UTC)
    list_id = "a" * 32

    # The click arrives first (another worker served the list a moment ago); both end up on one list.
    log.add("click", {"listId": list_id, "productId": "22423", "at": now, "userId": "u-bob"})
    log.add("list", {"id": list_id, "strategy": "hybrid", "surface": "home", "at": now, "userId": "u-bob",
                     "experimentId": None, "variant": None, "productIds": ["22697", "22423"]})
    assert log.flush(), "written within the flush timeout"

    served = RecommendationLists(shop).get(list_id)
    assert served["showed"] == ["22697", "22423"] and served["clicked"] == ["22423"]


def test_a_batch_written_again_leaves_each_list_as_it_was(shop):
    """The writer CREATEs a new list's edges; a rerun of its batch (a retried transaction) adds none."""
    row = {"id": "c" * 32, "strategy": "hybrid", "surface": "api", "at": datetime.now(UTC),
           "userId": "u-bob", "experimentId": None, "variant": None, "productIds": ["22697", "22423", "22699"]}
    RecommendationLists(shop).record([row])
    RecommendationLists(shop).record([row])

    assert RecommendationLists(shop).get("c" * 32)["showed"] == ["22697", "22423", "22699"]
    assert shop.read_value("MATCH (:RecommendationList {id: $id})-[s:SHOWED]->() RETURN count(s)", id="c" * 32) == 3


def test_a_failed_write_is_logged_and_dropped_never_raised(neo4j_settings, shop, caplog):
    closed = Graph(neo4j_settings)
    closed.close()
    log = ListLog(closed, delay=0.01)

    log.add("list", {"id": "b" * 32, "strategy": "hybrid", "surface": "home", "at": datetime.now(UTC),
                     "userId": None, "experimentId": None, "variant": None, "productIds": ["22423"]})

    assert log.flush()
    assert "dropped 1 recommendation lists/clicks" in caplog.text
    assert RecommendationLists(shop).get("b" * 32) is None


# -- the queue: bounded, retried, written at exit, pruned -------------------------------------------------
def list_row(list_id: str, at: datetime | None = None, user_id: str | None = "u-bob") -> dict:
    return {"id": list_id, "strategy": "hybrid", "surface": "home", "at": at or datetime.now(UTC),
            "userId": user_id, "experimentId": None, "variant": None, "productIds": ["22697", "22423"]}


class StalledGraph:
    """The shop's graph behind a Neo4j that stalls until ``release`` is set, or fails ``failures`` times."""

    def __init__(self, graph, failures: int = 0) -> None:
        self.graph, self.failures, self.calls = graph, failures, 0
        self.release = threading.Event()
        self.release.set()

    def write(self, *args, **kwargs):
        self.calls += 1
        self.release.wait(30)
        if self.failures:
            self.failures -= 1
            raise ServiceUnavailable("Neo4j is away")
        return self.graph.write(*args, **kwargs)


def test_a_stalled_neo4j_fills_a_bounded_queue_and_the_overflow_is_counted(shop):
    stalled = StalledGraph(shop)
    stalled.release.clear()
    log = ListLog(stalled, delay=0.01, max_queued=5)

    log.add("list", list_row("1" * 32))
    time.sleep(0.3)  # the writer has taken it and waits on Neo4j
    accepted = [log.add("list", list_row(f"{n + 2:x}" * 32)) for n in range(8)]

    assert accepted == [True] * 5 + [False] * 3 and log.dropped == 3
    stalled.release.set()
    assert log.flush()
    assert shop.read_value("MATCH (l:RecommendationList) RETURN count(l)") == 6


def test_a_failed_batch_is_tried_again_and_written(shop):
    flaky = StalledGraph(shop, failures=2)
    log = ListLog(flaky, delay=0.01, retry_pause=0.05)

    log.add("list", list_row("d" * 32))

    assert log.flush()
    assert RecommendationLists(shop).get("d" * 32)["showed"] == ["22697", "22423"]
    assert log.lost == 0 and flaky.calls == 3


def test_a_batch_that_fails_every_try_is_dropped_and_counted(shop, caplog):
    down = StalledGraph(shop, failures=100)
    log = ListLog(down, delay=0.01, retries=2, retry_pause=0.01)

    log.add("list", list_row("f" * 32))

    assert log.flush()
    assert log.lost == 1 and down.calls == 3
    assert "dropped 1 recommendation lists/clicks after 3 tries" in caplog.text


def test_a_click_before_its_list_waits_for_it(shop, monkeypatch):
    monkeypatch.setattr("shopgraph.webapp.online_metrics.CLICK_RETRY_PAUSE", 0.2)
    log = ListLog(shop, delay=0.01)

    log.add("click", {"listId": "9" * 32, "productId": "22423", "at": datetime.now(UTC), "userId": "u-bob"})
    assert log.flush()
    RecommendationLists(shop).record([list_row("9" * 32)])  # another worker writes the list a moment later
    time.sleep(0.6)

    assert log.flush()
    assert RecommendationLists(shop).get("9" * 32)["clicked"] == ["22423"]


EXITING = """
import sys
from datetime import datetime, timezone
from shopgraph.graph.db import Graph
from shopgraph.webapp.online_metrics import ListLog
log = ListLog(Graph(), delay=60)
log.add("list", {"id": sys.argv[1], "strategy": "hybrid", "surface": "home", "at": datetime.now(timezone.utc),
                 "userId": "u-bob", "experimentId": None, "variant": None, "productIds": ["22423"]})
sys.exit(0)  # how a gunicorn worker ends after SIGTERM
"""


def neo4j_env(settings) -> dict[str, str]:
    return {"NEO4J_URI": settings.uri, "NEO4J_USER": settings.user, "NEO4J_PASSWORD": settings.password,
            "NEO4J_DATABASE": settings.database}


def test_what_is_queued_is_written_when_the_process_exits(shop, neo4j_settings):
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", EXITING, "8" * 32], env={**os.environ, **neo4j_env(neo4j_settings)},
                   check=True, timeout=60, cwd=Path(__file__).resolve().parents[2])

    assert time.monotonic() - started < 30, "exit did not wait out the 60 s batch delay"
    assert RecommendationLists(shop).get("8" * 32)["showed"] == ["22423"]


def test_lists_older_than_the_retention_age_are_deleted(shop, neo4j_settings):
    now = datetime.now(UTC)
    repository = RecommendationLists(shop)
    repository.record([list_row("0" * 32, now - timedelta(days=100)), list_row("7" * 32, now - timedelta(days=10))])
    repository.record_tallies([{"id": "6" * 32, "day": (now - timedelta(days=100)).date(), "surface": "home",
                                "strategy": "trending", "lists": 5, "impressions": 60}])

    log = ListLog(shop, delay=0.01, retention_days=90, retention_interval=0)
    log.add("list", list_row("5" * 32))  # the writer's next batch runs the retention job
    assert log.flush()

    assert repository.get("0" * 32) is None and repository.tally("6" * 32) is None
    assert repository.get("7" * 32) is not None and repository.get("5" * 32) is not None

    result = CliRunner().invoke(main, ["metrics", "prune", "--days", "5"], env=neo4j_env(neo4j_settings))
    assert result.exit_code == 0, result.output
    assert "deleted 1 " in result.output and repository.get("7" * 32) is None
