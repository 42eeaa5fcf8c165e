"""Publishing a model version is all or nothing: the shop serves the live version's edges, vectors and artefact
until the new one is wholly written, a publish that dies half-way changes nothing served, and two trainings
never publish at once."""
from __future__ import annotations

import threading

import pytest

from shopgraph.graph import publish_lock
from shopgraph.graph.publish_lock import PublishLock
from shopgraph.graph.recommendations import RecommendationRepository
from shopgraph.models.publish import PublishBusy, publish
from shopgraph.models.serving import CachePolicy, RecommendationService
from shopgraph.models.serving_artefacts import ArtefactWatch, newest_version
from tests.models.artefact_versions import edges, write_version
from tests.models.shop_fixture import build_shop

V1, V2, V3, V4 = "20240201T000000Z", "20240301T000000Z", "20240401T000000Z", "20240501T000000Z"
#: Each version's neighbours: the products of g2's "similar items" and "bought together" rows.
NEIGHBOURS = {
    V1: ({"g2": [("g1", 0.9)], "k1": [("k2", 0.8)]}, {"g2": [("c4", 0.7)]}),
    V2: ({"g2": [("g3", 0.8)]}, {"g2": [("t1", 0.6)], "k1": [("k3", 0.5)]}),
    V3: ({"g2": [("g4", 0.7)]}, {"g2": [("c1", 0.6)]}),
    V4: ({"g2": [("k4", 0.6)]}, {"g2": [("c2", 0.6)]}),
}


class PowerCut(RuntimeError):
    pass


@pytest.fixture
def shop(graph):
    build_shop(graph, with_trained_edges=False, with_vectors=False)
    return graph


def version(root, name, seed=0):
    similar, bought = NEIGHBOURS[name]
    return write_version(root, name, similar, bought, seed=seed)


def served(graph, service) -> dict:
    """What a shopper and the shop's serving read of the trained models."""
    return {
        "version": graph.read_value("published_model"),
        "similar": [(i.product_id, i.score) for i in service.products.similar_products("g2", 5)],
        "bought together": [(i.product_id, i.score) for i in service.products.bought_together("g2", 5)
                            if {"kind": "bought_with", "product": "g2"} in i.because],
        "product vectors": sorted((row["productId"], row["embedding"], row["mf"])
                                  for row in graph.read("product_vectors")),
        "alice's vectors": (lambda h: (h.embedding, h.mf))(RecommendationRepository(graph).history("alice")),
        "alice's mf list": [i.product_id for i in service.recommend("alice", 5, "mf")],
    }


def failing_at(stage_name: str):
    """A progress hook that cuts the power once the publish has written a batch of ``stage_name``."""
    def progress(stage, total):
        def on_batch(rows):
            if stage == stage_name:
                raise PowerCut(f"power cut while writing {stage}")
        return on_batch
    return progress


class Pause:
    """A progress hook that holds the publish after its first batch of ``stage_name`` until ``go_on``."""

    def __init__(self, stage_name: str) -> None:
        self.stage_name = stage_name
        self.reached, self.go_on = threading.Event(), threading.Event()

    def __call__(self, stage, total):
        def on_batch(rows):
            if stage == self.stage_name and not self.reached.is_set():
                self.reached.set()
                assert self.go_on.wait(60), "the test never let the publish go on"
        return on_batch


def in_background(work) -> tuple[threading.Thread, list]:
    outcome: list = []
    thread = threading.Thread(target=lambda: outcome.append(_outcome(work)), daemon=True)
    thread.start()
    return thread, outcome


def _outcome(work):
    try:
        return work()
    except BaseException as error:  # handed to the test thread
        return error


def succeeded(outcome: list) -> bool:
    return len(outcome) == 1 and not isinstance(outcome[0], BaseException)


def test_a_publish_that_dies_half_way_leaves_the_live_version_served(shop, tmp_path):
    publish(shop, version(tmp_path, V1))
    service = RecommendationService(shop, artefacts_dir=tmp_path, caching=CachePolicy(version_check_seconds=0))
    before = served(shop, service)

    with pytest.raises(PowerCut):  # edges and product vectors written, user vectors half-way
        publish(shop, version(tmp_path, V2, seed=2), progress=failing_at("user vectors"), batch_size=5)

    service.refresh()
    assert served(shop, service) == before
    assert before["version"] == V1 and before["similar"][0][0] == "g1" and before["bought together"][0][0] == "c4"


def test_the_next_publish_clears_what_a_failed_one_left(shop, tmp_path):
    publish(shop, version(tmp_path, V1))
    with pytest.raises(PowerCut):
        publish(shop, version(tmp_path, V2, seed=2), progress=failing_at("user vectors"), batch_size=5)

    publish(shop, version(tmp_path, V3, seed=3))

    assert {e["version"] for e in edges(shop, "SIMILAR_TO").values()} == {V3}
    assert {e["version"] for e in edges(shop, "BOUGHT_WITH").values()} == {V3}
    assert set(edges(shop, "SIMILAR_TO")) == {("g2", "g4")} and set(edges(shop, "BOUGHT_WITH")) == {("g2", "c1")}
    leftovers = shop.read_value("MATCH (n:Product|User) WHERE n.vectorsVersion IN $old OR n.vectorsVersion2 IN $old "
                                "RETURN count(n)", old=[V1, V2])
    assert leftovers == 0, "vectors of the failed and the replaced version are gone"
    assert [row["version"] for row in shop.read("MATCH (v:ModelVersion) RETURN v.version AS version "
                                                "ORDER BY version")] == [V1, V3]


def test_serving_never_sees_a_version_before_its_edges_and_vectors_are_in(shop, tmp_path):
    publish(shop, version(tmp_path, V1))
    service = RecommendationService(shop, artefacts_dir=tmp_path, caching=CachePolicy(version_check_seconds=0))
    watch = ArtefactWatch(tmp_path, check_seconds=0, graph=shop)
    before = served(shop, service)
    pause = Pause("user vectors")  # V2's edges and product vectors are in the graph, its user vectors half-way

    thread, outcome = in_background(lambda: publish(shop, version(tmp_path, V2, seed=2), progress=pause,
                                                    batch_size=5))
    assert pause.reached.wait(60)
    service.refresh()
    during = served(shop, service)
    during_watch = (watch.version(), (watch.current() or {}).get("version"))
    pause.go_on.set()
    thread.join(60)

    assert newest_version(tmp_path).name == V2, "V2's folder is complete and the newest in the store"
    assert during == before
    assert during_watch == (V1, V1), "the artefact of the version the graph serves, not the newest folder"
    assert succeeded(outcome), outcome
    service.refresh()
    after = served(shop, service)
    assert after["version"] == V2 and after["similar"][0][0] == "g3" and after["bought together"][0][0] == "t1"
    assert after["product vectors"] != before["product vectors"]
    assert (watch.version(), watch.current()["version"]) == (V2, V2)


def test_a_second_training_cannot_publish_while_one_is_publishing(shop, tmp_path):
    publish(shop, version(tmp_path, V1))
    pause = Pause("similar to")
    thread, outcome = in_background(lambda: publish(shop, version(tmp_path, V2), progress=pause, batch_size=1))
    assert pause.reached.wait(60)

    with pytest.raises(PublishBusy, match=f"another training is publishing version {V2}"):
        publish(shop, version(tmp_path, V3), lock_wait=0)
    pause.go_on.set()
    thread.join(60)

    assert succeeded(outcome), outcome
    assert shop.read_value("published_model") == V2
    assert {(a, b, e["version"]) for (a, b), e in edges(shop, "SIMILAR_TO").items()} == {("g2", "g3", V2)}
    assert {(a, b, e["version"]) for (a, b), e in edges(shop, "BOUGHT_WITH").items()} == \
        {("g2", "t1", V2), ("k1", "k3", V2)}
    assert shop.read_value("MATCH (v:ModelVersion {version: $v}) RETURN count(v)", v=V3) == 0


def test_a_second_training_waits_for_the_first_and_then_publishes_whole(shop, tmp_path):
    publish(shop, version(tmp_path, V1))
    pause, waiting = Pause("similar to"), threading.Event()
    first, first_outcome = in_background(lambda: publish(shop, version(tmp_path, V3), progress=pause, batch_size=1))
    assert pause.reached.wait(60)
    second, second_outcome = in_background(lambda: publish(shop, version(tmp_path, V4), lock_wait=120,
                                                           on_wait=lambda message: waiting.set()))
    assert waiting.wait(60), "the second publish should wait for the lock"
    pause.go_on.set()
    first.join(60)
    second.join(120)

    assert succeeded(first_outcome) and succeeded(second_outcome), (first_outcome, second_outcome)
    assert shop.read_value("published_model") == V4
    assert {(a, b, e["version"]) for (a, b), e in edges(shop, "SIMILAR_TO").items()} == {("g2", "k4", V4)}
    assert {(a, b, e["version"]) for (a, b), e in edges(shop, "BOUGHT_WITH").items()} == {("g2", "c2", V4)}


def test_a_training_that_died_holding_the_lock_is_taken_over_when_its_lease_runs_out(shop, tmp_path, monkeypatch):
    publish(shop, version(tmp_path, V1))
    monkeypatch.setattr(publish_lock, "LEASE_SECONDS", 0.0)        # a lease that has run out by the next write
    monkeypatch.setattr(PublishLock, "release", lambda self: None)  # the process died: nothing released the lock
    with pytest.raises(PowerCut):
        publish(shop, version(tmp_path, V2, seed=2), progress=failing_at("product vectors"), batch_size=5)
    monkeypatch.undo()

    publish(shop, version(tmp_path, V3, seed=3), lock_wait=0)

    assert shop.read_value("published_model") == V3
    assert {e["version"] for e in edges(shop, "SIMILAR_TO").values()} == {V3}
    assert shop.read_value("MATCH (n:Product|User) WHERE $v IN [n.vectorsVersion, n.vectorsVersion2] "
                           "RETURN count(n)", v=V2) == 0


def test_a_live_lock_is_not_taken_over(shop, tmp_path):
    folder = version(tmp_path, V3)
    holder = PublishLock(shop, V2).take()
    try:
        with pytest.raises(PublishBusy, match=f"publishing version {V2}"):
            publish(shop, folder, lock_wait=0)
    finally:
        holder.release()

    publish(shop, folder, lock_wait=0)
    assert shop.read_value("published_model") == V3


def test_a_version_without_vectors_keeps_serving_the_vectors_before_it(shop, tmp_path):
    publish(shop, version(tmp_path, V1))
    before = sorted((row["productId"], row["embedding"]) for row in shop.read("product_vectors"))
    folder = version(tmp_path, V2)
    (folder / "embedding.npz").unlink()
    (folder / "mf.npz").unlink()

    summary = publish(shop, folder)

    assert "vectors" in summary.absent and shop.read_value("published_model") == V2
    assert sorted((row["productId"], row["embedding"]) for row in shop.read("product_vectors")) == before
    assert len(before) == 16


def test_of_trainings_asking_for_the_lock_at_once_exactly_one_gets_it(shop):
    start = threading.Barrier(5)

    def ask(n: int):
        start.wait()
        return PublishLock(shop, f"2024060{n}T000000Z").take(wait=0)

    asked = [in_background(lambda n=n: ask(n)) for n in range(5)]
    for thread, _ in asked:
        thread.join(60)

    outcomes = [outcome[0] for _, outcome in asked]
    assert sum(isinstance(o, PublishLock) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, publish_lock.LockBusy) for o in outcomes) == 4, outcomes
