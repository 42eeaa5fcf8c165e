"""No default secrets: compose names what is missing instead of using a public value, gunicorn refuses to serve
without one shared secret key, and `shopgraph serve` refuses a public or short key."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from shopgraph.cli.web import _secret_key

ROOT = Path(__file__).resolve().parents[2]


def without_secrets() -> dict[str, str]:
    return {name: value for name, value in os.environ.items()
            if name not in ("SHOPGRAPH_SECRET_KEY", "NEO4J_PASSWORD")}


def test_compose_has_no_default_for_any_secret():
    text = (ROOT / "docker-compose.yml").read_text()

    assert not re.search(r"\$\{(NEO4J_PASSWORD|SHOPGRAPH_SECRET_KEY):?-", text), "a secret with a default value"
    assert "change-me" not in text
    assert re.search(r"\$\{SHOPGRAPH_SECRET_KEY:\?", text) and re.search(r"\$\{NEO4J_PASSWORD:\?", text)


@pytest.mark.skipif(not (shutil.which("docker-compose") or shutil.which("docker")), reason="no docker client")
def test_compose_stops_and_names_the_missing_secret(tmp_path):
    command = ["docker-compose"] if shutil.which("docker-compose") else ["docker", "compose"]
    shutil.copy(ROOT / "docker-compose.yml", tmp_path)

    result = subprocess.run([*command, "config"], cwd=tmp_path, env=without_secrets(), capture_output=True,
                            text=True, timeout=60)
    if "unknown command" in result.stderr:
        pytest.skip("docker has no compose plugin here")

    assert result.returncode != 0
    assert "set NEO4J_PASSWORD" in result.stderr or "set SHOPGRAPH_SECRET_KEY" in result.stderr


def test_gunicorn_with_several_workers_and_no_key_refuses_to_start():
    result = subprocess.run([sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", "127.0.0.1:0",
                             "shopgraph.webapp.wsgi:app"], cwd=ROOT, env=without_secrets(), capture_output=True,
                            text=True, timeout=120)

    assert result.returncode != 0
    assert "SHOPGRAPH_SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("key", ["change-me-too", "short"])
def test_serve_refuses_a_public_or_short_key(monkeypatch, key):
    monkeypatch.setenv("SHOPGRAPH_SECRET_KEY", key)

    with pytest.raises(click.ClickException, match="public or short"):
        _secret_key()


def test_serve_without_a_key_makes_one_and_keeps_it(monkeypatch, tmp_path):
    monkeypatch.delenv("SHOPGRAPH_SECRET_KEY", raising=False)
    monkeypatch.setenv("SHOPGRAPH_HOME", str(tmp_path))

    first, second = _secret_key(), _secret_key()

    assert first == second and len(first) == 64, "every worker and every restart signs with the same key"
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0, "readable by its owner only"
