"""The values every request shares -- the rules in force, the running experiment, the shop's menu, the served model
version -- are reloaded by one request while the others keep the value read before: a reload stuck on a stalled
database holds up no one else."""
from __future__ import annotations

import threading

import pytest

from shopgraph.graph.catalog import Catalog
from shopgraph.graph.experiments import Experiments
from shopgraph.graph.rules import ActiveRule, Rules
from shopgraph.models.merch_rules import GraphMerchandiserRules
from shopgraph.models.serving_artefacts import ArtefactWatch
from shopgraph.webapp.blueprints.shop import _MenuCache
from shopgraph.webapp.online_metrics import OnlineMetrics
from tests.webapp.stall import PATIENCE, in_background


class StalledRead:
    """A graph read that answers ``first`` at once, then hangs as a stalled Neo4j would until ``go_on``, and
    answers ``later``."""

    def __init__(self, first, later) -> None:
        self.first, self.later = first, later
        self.calls = 0
        self.hanging, self.go_on = threading.Event(), threading.Event()

    def __call__(self, *args, **kwargs):
        self.calls += 1
        if self.calls == 1:
            return self.first
        self.hanging.set()
        assert self.go_on.wait(PATIENCE), "the test never let the read finish"
        return self.later


def rules_in_force(monkeypatch, app, tmp_path):
    read = StalledRead([], [ActiveRule("r-boost", "boost", 0.5, frozenset({"22423"}))])
    monkeypatch.setattr(Rules, "active", lambda self: read())
    rules = GraphMerchandiserRules(graph=None)
    return rules.current, rules.refresh, read


def running_experiment(monkeypatch, app, tmp_path):
    read = StalledRead(None, {"id": "x-multi"})
    monkeypatch.setattr(Experiments, "active", lambda self: read())
    metrics = OnlineMetrics(graph=None, synchronous=True)
    return metrics.running_experiment, metrics.forget_experiment, read


def shop_menu(monkeypatch, app, tmp_path):
    read = StalledRead([{"id": "home"}], [{"id": "home"}, {"id": "gifts"}])
    monkeypatch.setattr(Catalog, "category_tree", lambda self: read())
    menu = _MenuCache(ttl=0.0)  # every use is due to read it again

    def roots():
        with app.app_context():
            return menu.roots()

    return roots, lambda: None, read


def served_model_version(monkeypatch, app, tmp_path):
    read = StalledRead("20240101T000000Z", "20240201T000000Z")

    class Graph:
        read_value = staticmethod(read)

    watch = ArtefactWatch(tmp_path, check_seconds=0.0, graph=Graph())
    return watch.version, lambda: None, read


@pytest.mark.parametrize("cache", [rules_in_force, running_experiment, shop_menu, served_model_version])
def test_a_reload_stuck_on_the_graph_holds_up_no_other_request(cache, monkeypatch, app, tmp_path):
    get, expire, read = cache(monkeypatch, app, tmp_path)
    assert get() == read.first
    expire()

    reloading, reloaded = in_background(get)
    assert read.hanging.wait(PATIENCE)
    other, answered = in_background(get)
    other.join(PATIENCE)
    meanwhile = list(answered)
    read.go_on.set()
    reloading.join(PATIENCE)

    assert meanwhile == [read.first], "another request is answered with the value read before, without waiting"
    assert reloaded == [read.later] and get() == read.later
