"""The artefact version serving uses: the one the graph has made live, with its metadata.json and multi ranker.

The store's layout is in docs/architecture.md ("The artefact store"): ``$SHOPGRAPH_ARTIFACTS`` (default
``<repo>/artifacts``) ``/models/<version>/``. Training writes a version's folder before it publishes the version into
the graph, so the newest folder is not yet the version serving reads edges and vectors of: given the graph, the watch
follows the graph's live version (cypher/published_model.cypher) and loads that version's folder only -- never a
newer one still being published, whose ranker would score candidates the graph does not have yet. Before the first
publish it loads none. Without a graph (a tool reading the store alone) the newest complete folder is the version.

The live version is looked up again at most every ``check_seconds``, by one request while the others keep using
the version they have (``SharedValue``), so a training run is picked up without a restart.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shopgraph.graph.settings import artifacts_dir
from shopgraph.models.artefacts import latest_version, version_folder
from shopgraph.models.serving_cache import SharedValue

log = logging.getLogger(__name__)


def artefacts_root(root: Path | str | None = None) -> Path:
    """The artefact store's root folder (its versions live under ``models/``)."""
    if root is not None:
        return Path(root)
    return artifacts_dir()


def newest_version(root: Path | str | None = None) -> Path | None:
    """The newest complete version folder, or None when nothing is trained (``models.artefacts``)."""
    return latest_version(artefacts_root(root))


@dataclass(frozen=True)
class ServedArtefact:
    """The version serving uses: its folder, metadata.json and multi ranker (each None when absent)."""

    version: str | None
    folder: Path | None = None
    metadata: dict[str, Any] | None = None
    ranker: Any = None


NOTHING = ServedArtefact(None)


class ArtefactWatch:
    """Thread-safe access to the served version's metadata and multi ranker (see the module docstring)."""

    def __init__(self, root: Path | str | None = None, check_seconds: float = 30.0, graph=None) -> None:
        self.root = artefacts_root(root)
        self.graph, self.check_seconds = graph, check_seconds
        self._served = SharedValue(self._look, check_seconds)
        self._known = NOTHING

    def version(self) -> str | None:
        return self._served.get().version

    def folder(self) -> Path | None:
        return self._served.get().folder

    def current(self) -> dict[str, Any] | None:
        """The served version's metadata.json, or None when nothing is trained (or published)."""
        return self._served.get().metadata

    def ranker(self):
        """The served version's ``MultiRanker``, or None when it has none (or training's module is absent)."""
        return self._served.get().ranker

    def _look(self) -> ServedArtefact:
        """The version to serve now; the one served already, unless the graph (or the store) moved on."""
        if self.graph is not None:
            version = self.graph.read_value("published_model")
            folder = version_folder(version, self.root) if version else None
        else:
            folder = newest_version(self.root)
            version = folder.name if folder else None
        if version == self._known.version and folder == self._known.folder:
            return self._known
        if version is not None and folder is None:
            log.warning("the graph serves model version %s, which is not in %s; serving uses no trained "
                        "weights or ranker until it is", version, self.root / "models")
        served = self._load(version, folder)
        if served is not None:
            self._known = served
            return served
        return self._known

    def _load(self, version: str | None, folder: Path | None) -> ServedArtefact | None:
        """The version's metadata and ranker, or None when its metadata.json cannot be read (the next look
        tries again; the version served until then stays)."""
        if folder is None:
            return ServedArtefact(version)
        try:
            metadata = json.loads((folder / "metadata.json").read_text())
        except (OSError, ValueError) as error:
            log.warning("cannot read %s/metadata.json (%s); keeping version %s", folder, error, self._known.version)
            return None
        return ServedArtefact(version, folder, metadata, _load_ranker(folder))


def _load_ranker(folder: Path):
    if not (folder / "ranker.npz").is_file():
        return None
    try:
        from shopgraph.models.ranker_inference import MultiRanker
    except ImportError:
        return None
    try:
        return MultiRanker.load(folder)
    except (OSError, ValueError, KeyError) as error:
        log.warning("cannot load the multi ranker from %s (%s); multi falls back to hybrid", folder, error)
        return None
