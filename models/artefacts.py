"""The versioned artefact store that training writes and serving reads (docs/architecture.md, "The artefact store").

``$SHOPGRAPH_ARTIFACTS`` (default ``<repo>/artifacts``) ``/models/<version>/``, version = the UTC
time of training as ``YYYYmmddTHHMMSSZ``. A version is written into ``<version>.partial`` and renamed
when complete, ``metadata.json`` last, so the newest folder that has ``metadata.json`` is always a
whole one. Everything is JSON or ``.npz`` (numpy arrays, read with ``allow_pickle=False``).
Light on purpose: no TensorFlow, no scikit-learn.
"""
from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from shopgraph.graph.settings import artifacts_dir
from shopgraph.models.base import json_default

VERSION_FORMAT = "%Y%m%dT%H%M%SZ"


def store_root(root: Path | str | None = None) -> Path:
    """The folder holding the versions: ``<artefacts root>/models``."""
    base = Path(root) if root is not None else artifacts_dir()
    return base / "models"


def latest_version(root: Path | str | None = None) -> Path | None:
    """The newest complete version folder, or None when nothing has been trained."""
    folder = store_root(root)
    if not folder.is_dir():
        return None
    complete = [item for item in folder.iterdir() if item.is_dir() and (item / "metadata.json").is_file()
                and not item.name.endswith(".partial")]
    return max(complete, key=lambda item: item.name, default=None)


def version_folder(version: str, root: Path | str | None = None) -> Path | None:
    """The complete folder of one version, or None when this store does not hold it."""
    if not version or Path(version).name != version or version.startswith("."):
        return None
    folder = store_root(root) / version
    return folder if (folder / "metadata.json").is_file() else None


class VersionWriter:
    """Writes one version: arrays and JSON into a ``.partial`` folder, then ``finish`` publishes it."""

    def __init__(self, root: Path | str | None = None, now: datetime | None = None) -> None:
        moment = now or datetime.now(UTC)
        store = store_root(root)
        store.mkdir(parents=True, exist_ok=True)
        version = moment.strftime(VERSION_FORMAT)
        # Two trainings within one second get distinct versions that still sort by time.
        while (store / version).exists() or (store / f"{version}.partial").exists():
            moment = moment.replace(microsecond=0) + _one_second()
            version = moment.strftime(VERSION_FORMAT)
        self.version = version
        self.created = moment.isoformat(timespec="seconds").replace("+00:00", "Z")
        self.final = store / version
        self.folder = store / f"{version}.partial"
        self.folder.mkdir()

    def arrays(self, name: str, **arrays: np.ndarray) -> Path:
        path = self.folder / name
        np.savez(path, allow_pickle=False, **arrays)  # read_arrays refuses pickles too
        return path

    def json(self, name: str, value: Any) -> Path:
        path = self.folder / name
        path.write_text(json.dumps(value, indent=2, default=json_default))
        return path

    def finish(self, metadata: dict[str, Any]) -> Path:
        """Write metadata.json and make the version live; returns its folder."""
        self.json("metadata.json", {"version": self.version, "created": self.created, **metadata})
        self.folder.rename(self.final)
        return self.final

    def abandon(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def read_metadata(folder: Path | str) -> dict[str, Any]:
    return json.loads((Path(folder) / "metadata.json").read_text())


def read_ids(folder: Path | str) -> dict[str, list[str]]:
    return json.loads((Path(folder) / "ids.json").read_text())


def read_arrays(folder: Path | str, name: str) -> dict[str, np.ndarray]:
    with np.load(Path(folder) / name, allow_pickle=False) as stored:
        return {key: stored[key] for key in stored.files}


def _one_second():
    from datetime import timedelta

    return timedelta(seconds=1)

