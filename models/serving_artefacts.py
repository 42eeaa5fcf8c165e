"""The newest trained artefact version, as serving reads it: metadata.json and the multi ranker's arrays.

The store's layout is in notes/models-contract.md: ``$SHOPGRAPH_ARTIFACTS`` (default ``<repo>/artifacts``)
``/models/<version>/``, where the newest folder holding ``metadata.json`` is the live one. The folder is
looked at again at most every ``check_seconds``, so a training run is picked up without a restart.
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from graph.settings import PROJECT_ROOT
from models.artefacts import latest_version

log = logging.getLogger(__name__)


def artefacts_root(root: Path | str | None = None) -> Path:
    """The artefact store's root folder (its versions live under ``models/``)."""
    if root is not None:
        return Path(root)
    return Path(os.environ.get("SHOPGRAPH_ARTIFACTS", PROJECT_ROOT / "artifacts"))


def newest_version(root: Path | str | None = None) -> Path | None:
    """The newest complete version folder, or None when nothing is trained (``models.artefacts``)."""
    return latest_version(artefacts_root(root))


class ArtefactWatch:
    """Thread-safe access to the live version's metadata and multi ranker."""

    def __init__(self, root: Path | str | None = None, check_seconds: float = 30.0) -> None:
        self.root = artefacts_root(root)
        self.check_seconds = check_seconds
        self._lock = threading.Lock()
        self._checked = float("-inf")
        self._folder: Path | None = None
        self._metadata: dict[str, Any] | None = None
        self._ranker: Any = None
        self._ranker_loaded = False

    def folder(self) -> Path | None:
        self._check()
        return self._folder

    def current(self) -> dict[str, Any] | None:
        """The live version's metadata.json, or None when nothing is trained."""
        self._check()
        return self._metadata

    def ranker(self):
        """The live version's ``MultiRanker``, or None when it has none (or training's module is absent)."""
        self._check()
        with self._lock:
            if not self._ranker_loaded:
                self._ranker = self._load_ranker(self._folder)
                self._ranker_loaded = True
            return self._ranker

    def _check(self) -> None:
        if time.monotonic() - self._checked < self.check_seconds:
            return
        with self._lock:
            if time.monotonic() - self._checked < self.check_seconds:
                return
            self._checked = time.monotonic()
            folder = newest_version(self.root)
            if folder == self._folder:
                return
            try:
                metadata = json.loads((folder / "metadata.json").read_text()) if folder else None
            except (OSError, ValueError) as error:
                log.warning("cannot read %s/metadata.json (%s); keeping version %s", folder, error, self._folder)
                return
            self._folder, self._metadata = folder, metadata
            self._ranker, self._ranker_loaded = None, False

    @staticmethod
    def _load_ranker(folder: Path | None):
        if folder is None or not (folder / "ranker.npz").is_file():
            return None
        try:
            from models.ranker_inference import MultiRanker
        except ImportError:
            return None
        try:
            return MultiRanker.load(folder)
        except (OSError, ValueError, KeyError) as error:
            log.warning("cannot load the multi ranker from %s (%s); multi falls back to hybrid", folder, error)
            return None
