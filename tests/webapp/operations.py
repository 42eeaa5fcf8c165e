"""Helpers for the operations tests: reading /metrics as Prometheus does, and apps with an artefact store."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from shopgraph.graph.settings import Neo4jSettings
from shopgraph.models.artefacts import VersionWriter
from shopgraph.models.publish import publish

#: A Neo4j nobody answers at: nothing listens on port 1.
UNREACHABLE = Neo4jSettings(uri="neo4j://127.0.0.1:1", user="neo4j", password="x")

Samples = dict[tuple[str, frozenset], float]


def parse(text: str) -> Samples:
    """Every sample of a /metrics page, by name and labels."""
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def scrape(client, **request) -> Samples:
    response = client.get("/metrics", **request)
    assert response.status_code == 200, response.get_data(as_text=True)
    return parse(response.get_data(as_text=True))


def value(samples: Samples, name: str, **labels: str) -> float:
    """A sample's value; 0 for a series not counted yet."""
    return samples.get((name, frozenset(labels.items())), 0.0)


def trained_version(store: Path, graph=None) -> str:
    """Writes a trained version into the artefact store ``store`` as training does and, given the graph, publishes
    it there (serving follows the graph's live version); returns its version."""
    writer = VersionWriter(store)
    writer.json("ids.json", {"products": [], "users": []})
    folder = writer.finish({"models": {}})
    if graph is not None:
        publish(graph, folder)
    return writer.version


@contextmanager
def app_on(settings: Neo4jSettings, artefacts: Path, **config) -> Iterator:
    """An app whose graph is ``settings`` and whose trained models come from ``artefacts``."""
    from shopgraph.webapp.app import close_app, create_app

    app = create_app({"TESTING": True, "NEO4J_SETTINGS": settings, "SECRET_KEY": "test",
                      "ARTEFACTS_DIR": artefacts, **config})
    try:
        yield app
    finally:
        close_app(app)
