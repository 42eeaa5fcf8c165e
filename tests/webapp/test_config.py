"""`shopgraph config`: the settings in effect, each with where it came from, secrets never printed; and a bad
setting stops a command (and gunicorn) with one line naming it, not a traceback."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from shopgraph.cli import main
from shopgraph.graph.config import NAMES

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {
    "SHOPGRAPH_SECRET_KEY": "the-shops-own-signing-key-4f1c9e",
    "NEO4J_PASSWORD": "neo4j-password-7d2a",
    "SHOPGRAPH_METRICS_TOKEN": "prometheus-scrape-token-91b0",
}
REDIS_PASSWORD = "redis-password-c3e8"


def run(*args: str, **env: str | None):
    return CliRunner().invoke(main, ["config", *args], env=env)


def lines(output: str) -> dict[str, str]:
    """Each setting's line, by variable."""
    return {line.split()[0]: line for line in output.splitlines() if line and line.split()[0] in NAMES}


def test_no_secret_is_ever_printed_as_lines_or_as_json():
    env = {**SECRETS, "SHOPGRAPH_RATELIMIT_STORAGE": f"redis://:{REDIS_PASSWORD}@cache.internal:6379"}

    for args in ((), ("--json",)):
        result = run(*args, **env)
        assert result.exit_code == 0, result.output
        for secret in (*SECRETS.values(), REDIS_PASSWORD):
            assert secret not in result.output, f"{args}: a secret was printed"
    shown = lines(run(**env).output)
    for name in SECRETS:
        assert shown[name].split()[1:] == ["********", "(environment)"], shown[name]
    assert "redis://:********@cache.internal:6379" in shown["SHOPGRAPH_RATELIMIT_STORAGE"]


def test_a_value_from_the_environment_shows_as_such_and_the_others_as_defaults():
    result = run(SHOPGRAPH_QUERY_TIMEOUT="3", SHOPGRAPH_BATCH_TIMEOUT=None, SHOPGRAPH_SECRET_KEY=None)

    assert result.exit_code == 0, result.output
    shown = lines(result.output)
    assert set(shown) == set(NAMES), "one line per setting"
    assert shown["SHOPGRAPH_QUERY_TIMEOUT"].split()[1:] == ["3", "(environment)"]
    assert shown["SHOPGRAPH_BATCH_TIMEOUT"].split()[1:] == ["0", "(default)"]
    assert shown["SHOPGRAPH_SECRET_KEY"].split()[1:] == ["(unset)", "(default)"]

    document = json.loads(run("--json", SHOPGRAPH_QUERY_TIMEOUT="3").output)
    settings = {entry["name"]: entry for entry in document["settings"]}
    assert (settings["SHOPGRAPH_QUERY_TIMEOUT"]["value"], settings["SHOPGRAPH_QUERY_TIMEOUT"]["source"]) == \
        (3, "environment")
    assert settings["SHOPGRAPH_WORKERS"]["source"] == "default"
    assert settings["NEO4J_PASSWORD"]["secret"] is True


def test_a_bad_value_is_shown_with_what_it_expects_and_the_command_fails():
    result = run(SHOPGRAPH_QUERY_TIMEOUT="abc")

    assert result.exit_code == 1
    assert "SHOPGRAPH_QUERY_TIMEOUT='abc': expected a number of seconds, 0 or more" in result.output
    assert "SHOPGRAPH_WORKERS" in result.output, "the other settings are still listed"


def test_any_command_stops_on_a_bad_setting_with_one_line_naming_it():
    result = CliRunner().invoke(main, ["neo4j", "status"], env={"SHOPGRAPH_NEO4J_BOLT_PORT": "bolt"})

    assert result.exit_code == 1
    assert "SHOPGRAPH_NEO4J_BOLT_PORT='bolt': expected a whole number from 1 to 65535" in result.output
    assert isinstance(result.exception, SystemExit), "a message, not a traceback"


def test_gunicorn_stops_on_a_bad_setting_with_one_line_naming_it():
    env = {**os.environ, "SHOPGRAPH_WORKERS": "many", "SHOPGRAPH_SECRET_KEY": "k" * 32}
    result = subprocess.run([sys.executable, "-m", "gunicorn", "--config", "python:shopgraph.webapp.gunicorn_conf",
                             "--bind", "127.0.0.1:0", "shopgraph.webapp.wsgi:app"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)

    assert result.returncode != 0
    assert "SHOPGRAPH_WORKERS='many': expected a whole number, 1 or more" in result.stderr
    assert "Traceback" not in result.stderr
