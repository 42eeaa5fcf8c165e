"""The files people start from: the compose file, the Makefile targets, the README's two commands."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _compose_command() -> list[str] | None:
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"],
                                                 capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def test_docker_compose_config_accepts_the_compose_file():
    compose = _compose_command()
    if compose is None:
        pytest.skip("neither `docker compose` nor `docker-compose` is installed")
    # The file has no default for any secret (tests/webapp/test_secrets.py): a user sets them first.
    env = {**os.environ, "NEO4J_PASSWORD": "a-chosen-password", "SHOPGRAPH_SECRET_KEY": "k" * 32}
    result = subprocess.run([*compose, "config"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert "neo4j:5.26-community" in result.stdout
    assert "NEO4J_URI" in result.stdout


def test_readme_starts_with_the_demo_and_test_commands():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```sh", 1)[1].split("```", 1)[0]
    assert "make demo" in first_block and "make test" in first_block


def test_makefile_has_the_documented_targets():
    targets = {line.split(":")[0] for line in (ROOT / "Makefile").read_text().splitlines()
               if line and not line.startswith(("\t", "#", " ")) and ":" in line and "=" not in line}
    assert {"install", "demo", "test", "bench"} <= targets
