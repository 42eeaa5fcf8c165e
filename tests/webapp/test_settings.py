"""The shop's settings: one typed object read from the environment, clear about a bad value, and complete: every
variable the code reads is one of its fields and a row of the README's settings table."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from shopgraph.graph import config
from shopgraph.graph.config import NAMES, VARIABLES, SettingsError, read

ROOT = Path(__file__).resolve().parents[2]
#: The folders the installed package is made of (``tests/`` reads variables of its own harness).
PACKAGE_FOLDERS = ("bench", "cli", "graph", "loaders", "models", "webapp")
LITERAL = re.compile(r"\b(SHOPGRAPH_[A-Z0-9_]*[A-Z0-9])\b")
ENVIRON_READ = re.compile(r"""(?:\bos\.environ(?:\.get)?[\[(]|\bgetenv\()\s*f?["']([A-Za-z_][A-Za-z0-9_]*)["']""")


def variables_in_source() -> dict[str, set[str]]:
    """Each variable name the package's source mentions, with the files mentioning it."""
    found: dict[str, set[str]] = {}
    for folder in PACKAGE_FOLDERS:
        for source in (ROOT / folder).rglob("*.py"):
            text = source.read_text()
            for name in {*LITERAL.findall(text), *ENVIRON_READ.findall(text)}:
                found.setdefault(name, set()).add(str(source.relative_to(ROOT)))
    return found


def readme_settings_table() -> dict[str, str]:
    """The Operations section's settings table: variable -> its default as written."""
    readme = (ROOT / "README.md").read_text()
    operations = readme.split("\n## Operations\n", 1)[1].split("\n## ", 1)[0]
    table = operations.split("| variable | default | meaning |", 1)[1].split("\n\n", 1)[0]
    rows = {}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        if len(cells) == 3 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = cells[1]
    return rows


def test_every_variable_the_code_reads_is_a_setting():
    found = variables_in_source()

    unknown = {name: sorted(files) for name, files in found.items() if name not in NAMES}
    assert not unknown, f"read but not declared in graph/config.py (and so not documented): {unknown}"
    assert "SHOPGRAPH_QUERY_TIMEOUT" in found, "the scan finds the variables the code names"
    assert ENVIRON_READ.findall('os.environ.get("NEO4J_URI", "")  os.environ["JAVA_HOME"]  os.getenv("X_Y")') == \
        ["NEO4J_URI", "JAVA_HOME", "X_Y"], "and any variable read from the environment"


def test_every_setting_is_in_the_readme_table_and_nothing_else_is():
    rows = readme_settings_table()

    assert sorted(set(NAMES) - set(rows)) == [], "settings missing from the README's table"
    assert sorted(set(rows) - set(NAMES)) == [], "README rows naming no setting"
    wrong = {variable.name: (rows[variable.name], variable.shown_default) for variable in VARIABLES
             if rows[variable.name] != variable.shown_default}
    assert not wrong, f"README default differs from the code's (README, code): {wrong}"
    assert rows["SHOPGRAPH_QUERY_TIMEOUT"] == "`10`" and rows["SHOPGRAPH_PROXY_HOPS"].startswith("`0`")


@pytest.mark.parametrize("variable, value, expected", [
    ("SHOPGRAPH_QUERY_TIMEOUT", "abc", "a number of seconds"),
    ("SHOPGRAPH_BATCH_TIMEOUT", "-1", "a number of seconds, 0 or more"),
    ("SHOPGRAPH_WORKERS", "0", "a whole number, 1 or more"),
    ("SHOPGRAPH_NEO4J_BOLT_PORT", "99999", "a whole number from 1 to 65535"),
    ("SHOPGRAPH_PROXY_HOPS", "one", "a whole number, 0 or more"),
    ("SHOPGRAPH_SECURE_COOKIES", "maybe", "1, true, yes or on"),
    ("SHOPGRAPH_EVENTS_LIMIT", "lots", "limits such as"),
    ("SHOPGRAPH_LOG_LEVEL", "LOUD", "one of DEBUG"),
    ("SHOPGRAPH_NEO4J_HEAP", "two gigs", "a size such as"),
    ("SHOPGRAPH_DIVERSITY_CAP", "lots", "auto, off or a whole number"),
])
def test_a_bad_value_is_named_with_what_is_expected(variable, value, expected):
    with pytest.raises(SettingsError) as refused:
        read({variable: value})

    assert str(refused.value).startswith(f"{variable}={value!r}: expected {expected}")


def test_every_bad_value_is_named_at_once_and_a_password_in_one_is_not():
    with pytest.raises(SettingsError) as refused:
        read({"SHOPGRAPH_QUERY_TIMEOUT": "abc", "SHOPGRAPH_THREADS": "many",
              "NEO4J_URI": "http://neo4j:hunter2-secret@db.internal"})

    problems = refused.value.problems
    assert [problem.split("=")[0] for problem in problems] == ["NEO4J_URI", "SHOPGRAPH_QUERY_TIMEOUT",
                                                               "SHOPGRAPH_THREADS"]
    assert "hunter2-secret" not in str(refused.value)


def test_values_are_typed_and_unset_or_empty_ones_are_the_defaults():
    settings = read({"SHOPGRAPH_QUERY_TIMEOUT": "2.5", "SHOPGRAPH_SECURE_COOKIES": "yes", "SHOPGRAPH_WORKERS": " 4 ",
                     "SHOPGRAPH_THREADS": "", "SHOPGRAPH_STRATEGY_DIRS": "/a:/b", "HOME": "/home/shop"})

    assert (settings.query_timeout, settings.secure_cookies, settings.workers) == (2.5, True, 4)
    assert settings.threads == 8 and settings.source("SHOPGRAPH_THREADS") == config.DEFAULT
    assert settings.source("SHOPGRAPH_WORKERS") == config.ENVIRONMENT
    assert settings.strategy_dirs == (Path("/a"), Path("/b"))
    assert settings.batch_timeout == 0.0 and settings.max_url_bytes == 4000 and settings.proxy_hops == 0


def test_secrets_stay_out_of_the_settings_repr():
    settings = read({"SHOPGRAPH_SECRET_KEY": "k" * 40, "NEO4J_PASSWORD": "pw-of-neo4j",
                     "SHOPGRAPH_METRICS_TOKEN": "mt"})

    assert settings.secret_key == "k" * 40 and settings.neo4j_password == "pw-of-neo4j"
    shown = repr(settings)
    assert "k" * 40 not in shown and "pw-of-neo4j" not in shown and "'mt'" not in shown


def test_the_settings_are_kept_and_read_again_when_the_environment_changes(monkeypatch):
    monkeypatch.setenv("SHOPGRAPH_QUERY_TIMEOUT", "7")
    first = config.current()

    assert first.query_timeout == 7.0 and first.source("SHOPGRAPH_QUERY_TIMEOUT") == config.ENVIRONMENT
    assert config.current() is first, "read once, then kept"
    monkeypatch.setenv("SHOPGRAPH_QUERY_TIMEOUT", "8")
    assert config.current().query_timeout == 8.0
    monkeypatch.delenv("SHOPGRAPH_QUERY_TIMEOUT")
    assert config.current().query_timeout == 10.0
    assert config.reload() is not first


def test_the_app_refuses_to_start_on_a_bad_setting_before_serving_anything(monkeypatch):
    from shopgraph.graph.settings import Neo4jSettings
    from shopgraph.webapp.app import create_app

    nowhere = Neo4jSettings(uri="neo4j://127.0.0.1:1", user="neo4j", password="x")
    monkeypatch.setenv("SHOPGRAPH_MAX_URL_BYTES", "4k")

    with pytest.raises(SettingsError, match=r"SHOPGRAPH_MAX_URL_BYTES='4k': expected a whole number of bytes"):
        create_app({"TESTING": True, "NEO4J_SETTINGS": nowhere, "SECRET_KEY": "test"})
