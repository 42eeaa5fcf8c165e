"""The part of requirements.lock the Docker image installs: the shop, training, evaluation and the bench, without
the test and development tools.

The lock pins every package of every extra with its hashes (``make lock``). The image takes the wheel's own
dependencies, the ``train`` extra (``shopgraph train``: TensorFlow), and from ``dev`` the packages ``shopgraph``
commands import (``KEPT_FROM_DEV``); the rest of ``dev`` (``LEFT_OUT``) only runs the tests, the checks and
``make lock``. A package is kept when it is one of those or a kept package needs it (the lock's "# via" lines), so
the cut is closed under dependencies and a ``pip install --require-hashes`` of it needs nothing else.

    python docker/runtime_requirements.py requirements.lock pyproject.toml > runtime.lock
"""
from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

#: ``shopgraph bench`` drives the shop with Locust's greenlets (bench/loadgen.py); ``shopgraph evaluate`` scores
#: implicit's ALS beside the shop's strategies, with BLAS held to one thread (models/als.py).
KEPT_FROM_DEV = frozenset({"locust", "gevent", "implicit", "threadpoolctl"})
#: The tests (pytest, browsers, API fuzzing, reading the image's files), the checks (lint, types), the resolver.
LEFT_OUT = frozenset({"pytest", "playwright", "schemathesis", "uv", "ruff", "mypy", "pyyaml", "packaging"})
#: How the lock names the project itself in "# via" lines.
PROJECT = "shopgraph (pyproject.toml)"

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==")
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


class LockError(ValueError):
    """The lock and pyproject.toml disagree; the message says how."""


def normalise(name: str) -> str:
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def blocks(lock_text: str) -> dict[str, tuple[str, set[str]]]:
    """Each pinned package of the lock: its lines, verbatim, and the packages it is there for ("# via")."""
    found: dict[str, tuple[list[str], set[str]]] = {}
    current: str | None = None
    in_via = False
    for line in lock_text.splitlines():
        pin = _PIN.match(line)
        if pin:
            current = normalise(pin.group(1))
            found[current] = ([line], set())
            in_via = False
            continue
        if current is None:
            continue
        lines, via = found[current]
        lines.append(line)
        comment = line.strip()
        if comment.startswith("# via"):
            rest = comment[len("# via"):].strip()
            in_via = not rest
            if rest:
                via.add(_parent(rest))
        elif in_via and comment.startswith("#   "):
            via.add(_parent(comment[1:].strip()))
        elif not comment.startswith("#"):
            in_via = False
    return {name: ("\n".join(lines).rstrip("\n"), via) for name, (lines, via) in found.items()}


def _parent(text: str) -> str:
    return PROJECT if text == PROJECT else normalise(text.split()[0])


def roots(pyproject: dict) -> set[str]:
    """The packages the image needs by name: the project's dependencies, ``train``, and ``KEPT_FROM_DEV``."""
    project = pyproject["project"]
    extras = project.get("optional-dependencies", {})
    dev = {_requirement_name(text) for text in extras.get("dev", [])}
    undecided = dev - KEPT_FROM_DEV - LEFT_OUT
    if undecided:
        raise LockError(f"dev packages neither kept nor left out of the image: {', '.join(sorted(undecided))}; "
                        "add each to KEPT_FROM_DEV or LEFT_OUT in docker/runtime_requirements.py")
    named = [*project.get("dependencies", []), *extras.get("train", [])]
    return {_requirement_name(text) for text in named} | (dev & KEPT_FROM_DEV)


def _requirement_name(text: str) -> str:
    match = _NAME.match(text)
    if not match:
        raise LockError(f"cannot read a package name from {text!r}")
    return normalise(match.group(1))


def runtime_lock(lock_text: str, pyproject: dict) -> str:
    """The lock's lines for the packages the image needs (see the module docstring)."""
    pinned = blocks(lock_text)
    needed = roots(pyproject)
    missing = needed - set(pinned)
    if missing:
        raise LockError(f"requirements.lock has no pin for {', '.join(sorted(missing))}; run `make lock`")
    grew = True
    while grew:
        more = {name for name, (_, via) in pinned.items() if name not in needed and via & needed}
        needed |= more
        grew = bool(more)
    header = ("# The packages of requirements.lock that the Docker image installs (docker/runtime_requirements.py):\n"
              "# the shop, training, evaluation and the bench, without the test and development tools.")
    return "\n".join([header, *(pinned[name][0] for name in sorted(needed))]) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        text = runtime_lock(Path(argv[1]).read_text(), tomllib.loads(Path(argv[2]).read_text()))
    except LockError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
