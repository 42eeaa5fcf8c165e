"""Where dataset files come from: a path the user gave, the shared data folder, or a download cache.

Order of preference for every dataset: ``--path``; then ``$SHOPGRAPH_DATA_DIR/<dataset folder>/``;
then a copy fetched once into the user's cache folder (``$SHOPGRAPH_CACHE_DIR``, else
``$XDG_CACHE_HOME/shopgraph``, else ``~/.cache/shopgraph``) and reused after.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from shopgraph.graph.config import current


def cache_dir() -> Path:
    return current().cache_dir


def shared_folder(name: str) -> Path | None:
    """``$SHOPGRAPH_DATA_DIR/name`` when that variable is set and the folder exists."""
    root = current().data_dir
    if root and (root / name).is_dir():
        return root / name
    return None


def require(path: Path) -> Path:
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist")
    return path


def download(url: str, target: Path) -> Path:
    """Fetch ``url`` into ``target`` once; a partial download never takes the final name."""
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    print(f"Downloading {url} into {target.parent} (first use only)...", file=sys.stderr, flush=True)
    partial = target.with_name(target.name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=60) as response, partial.open("wb") as out:
            shutil.copyfileobj(response, out)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise FileNotFoundError(
            f"could not download {url} ({error}); download it yourself and pass the file with --path"
        ) from error
    partial.replace(target)
    return target


def pip_download(requirement: str, wheel_glob: str) -> Path:
    """A wheel from PyPI (``pip download --no-deps``) kept in the cache folder; nothing is installed."""
    folder = cache_dir()
    found = sorted(folder.glob(wheel_glob))
    if found:
        return found[-1]
    folder.mkdir(parents=True, exist_ok=True)
    print(f"Downloading the {requirement} wheel from PyPI into {folder} (first use only)...",
          file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        result = subprocess.run(
            [sys.executable, "-m", "pip", "download", requirement, "--no-deps", "--only-binary=:all:",
             "--disable-pip-version-check", "--quiet", "-d", scratch],
            capture_output=True, text=True,
        )
        wheels = sorted(Path(scratch).glob(wheel_glob))
        if result.returncode != 0 or not wheels:
            raise FileNotFoundError(
                f"could not download {requirement} from PyPI: {(result.stderr or result.stdout).strip()[-500:]}"
                " -- pass the dataset files with --path instead"
            )
        return Path(shutil.move(str(wheels[0]), folder / wheels[0].name))
