"""The Docker image as the Dockerfile builds it: the wheel over the locked dependencies the shop, training and the
bench need, no source tree, a user that is not root; and the compose file running commands the CLI has.

No Docker engine is needed: what the image installs is computed the way its build computes it, and checked against
the packages' own metadata; `tests/test_wheel.py` runs the wheel itself from a fresh environment.
"""
from __future__ import annotations

import importlib.util
import json
import re
import shlex
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from packaging.requirements import Requirement

from shopgraph.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _runtime_requirements():
    spec = importlib.util.spec_from_file_location("runtime_requirements", ROOT / "docker" / "runtime_requirements.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


runtime_requirements = _runtime_requirements()


@pytest.fixture(scope="module")
def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


@pytest.fixture(scope="module")
def kept(pyproject) -> set[str]:
    """The packages the image installs, by name."""
    text = runtime_requirements.runtime_lock((ROOT / "requirements.lock").read_text(), pyproject)
    return set(runtime_requirements.blocks(text))


def _stages() -> dict[str, str]:
    """The Dockerfile's stages by name, each its text from its FROM line on."""
    text = (ROOT / "Dockerfile").read_text()
    parts = re.split(r"^(?=FROM )", text, flags=re.MULTILINE)[1:]
    return {re.match(r"FROM \S+(?: AS (\S+))?", part).group(1): part for part in parts}


def test_the_image_holds_the_shop_training_and_the_bench_but_not_the_test_tools(kept):
    assert {"flask", "gunicorn", "neo4j", "numpy", "tensorflow-cpu", "locust", "gevent", "implicit"} <= kept
    assert not {"playwright", "schemathesis", "uv", "ruff", "mypy"} & kept


def test_every_package_the_image_installs_has_what_it_needs_installed_too(kept):
    pinned = set(runtime_requirements.blocks((ROOT / "requirements.lock").read_text()))
    missing = []
    for name in sorted(kept):
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)
            needed = requirement.marker is None or requirement.marker.evaluate({"extra": ""})
            dependency = runtime_requirements.normalise(requirement.name)
            if needed and dependency in pinned and dependency not in kept:
                missing.append(f"{name} needs {dependency}")
    assert not missing, missing


def test_a_new_dev_package_must_be_kept_or_left_out_of_the_image(pyproject):
    changed = json.loads(json.dumps(pyproject))
    changed["project"]["optional-dependencies"]["dev"].append("hypothesis-extra-thing==1.0")

    with pytest.raises(runtime_requirements.LockError, match="hypothesis-extra-thing"):
        runtime_requirements.roots(changed)


def test_the_image_installs_the_wheel_over_the_locked_dependencies_and_holds_no_source():
    stages = _stages()
    assert re.search(r"pip wheel .*--no-deps", stages["wheel"])
    install = stages["runtime"]
    locked = install.index("pip install --require-hashes -r /dist/runtime.lock")
    assert locked < install.index("pip install --no-deps /dist/shopgraph-*.whl")
    for name in ("runtime", "bench", "app"):
        copies = re.findall(r"^COPY .*$", stages[name], flags=re.MULTILINE)
        assert all("--from=" in line for line in copies), (name, copies)
    assert "SHOPGRAPH_HOME=/var/lib/shopgraph" in install
    for name in ("bench", "app"):
        assert "USER shop" in stages[name]
    assert "/api/v1/health/live" in stages["app"].split("HEALTHCHECK", 1)[1]


def test_the_build_context_holds_every_folder_the_wheel_is_built_from(pyproject):
    allowed = {line[1:].rstrip("/") for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.startswith("!")}
    folders = set(pyproject["tool"]["setuptools"]["package-dir"].values())
    assert folders | {"pyproject.toml", "README.md", "requirements.lock", "docker"} <= allowed


def _shopgraph_commands() -> list[list[str]]:
    """Every `shopgraph ...` command the Dockerfile and the compose file run."""
    commands = [json.loads(found) for found in re.findall(r"^CMD (\[.*\])$", (ROOT / "Dockerfile").read_text(),
                                                          flags=re.MULTILINE)]
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for service in compose["services"].values():
        command = service.get("command")
        if command:
            script = command[-1] if command[:2] == ["sh", "-c"] else shlex.join(command)
            commands += [shlex.split(part) for part in script.split("&&")]
    return [command for command in commands if command and command[0] == "shopgraph"]


@pytest.mark.parametrize("command", _shopgraph_commands(), ids=" ".join)
def test_the_image_and_compose_run_commands_the_cli_has(command):
    words = [word for word in command[1:] if not word.startswith("-")][:1]
    options = [word.split("=")[0] for word in command[1:] if word.startswith("--")]

    result = CliRunner().invoke(main, [*words, "--help"])

    assert result.exit_code == 0, result.output
    for option in options:
        assert option in result.output, f"`shopgraph {' '.join(words)}` has no {option}"
