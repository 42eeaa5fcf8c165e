"""`shopgraph token create` and `shopgraph user create` against the test graph."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from shopgraph.cli import main


@pytest.fixture
def cli_env(monkeypatch, neo4j_settings, graph):
    """Points the commands at the test Neo4j, as NEO4J_URI would point them at any server."""
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.uri)
    monkeypatch.setenv("NEO4J_USER", neo4j_settings.user)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings.password)
    return graph


def test_token_create_prints_a_working_token_as_the_last_word(cli_env, client):
    result = CliRunner().invoke(main, ["token", "create", "--role", "merchandiser", "--name", "dashboard"])
    assert result.exit_code == 0, result.output
    token = result.output.split()[-1]
    assert result.stdout.strip() == token  # `$(shopgraph token create ...)` captures just the token
    assert token.startswith("sg_")
    assert token not in str(cli_env.read("MATCH (t:ApiToken) RETURN t {.*} AS t"))
    response = client.get("/api/v1/recommendations", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_token_create_refuses_an_unknown_role(cli_env):
    result = CliRunner().invoke(main, ["token", "create", "--role", "admin"])
    assert result.exit_code != 0 and "admin" in result.output


def test_tokens_can_be_listed_and_revoked(cli_env):
    runner = CliRunner()
    token = runner.invoke(main, ["token", "create", "--role", "integration", "--name", "nightly"]).output.split()[-1]
    token_id = token.split("_")[1]
    listing = runner.invoke(main, ["token", "list"])
    assert token_id in listing.output and "nightly" in listing.output and token not in listing.output
    assert runner.invoke(main, ["token", "revoke", token_id]).exit_code == 0
    assert runner.invoke(main, ["token", "revoke", token_id]).exit_code == 1


def test_user_create_prompts_for_the_password_and_the_user_can_sign_in(cli_env, app):
    from tests.webapp.shop import sign_in

    result = CliRunner().invoke(
        main, ["user", "create", "--email", "Mia@Example.com", "--name", "Mia", "--role", "merchandiser"],
        input="Merchandise-9!\nMerchandise-9!\n")
    assert result.exit_code == 0, result.output
    assert "Created merchandiser mia@example.com" in result.output
    assert "Merchandise-9!" not in result.output  # the prompt hides what is typed
    user = cli_env.read_one("MATCH (u:User {email: 'mia@example.com'}) RETURN u.role AS role, u.passwordHash AS h")
    assert user["role"] == "merchandiser" and user["h"].startswith("$argon2id$")
    sign_in(app.test_client(), {"email": "mia@example.com", "password": "Merchandise-9!"})


def test_user_create_refuses_a_weak_password_and_a_taken_email(cli_env):
    runner = CliRunner()
    weak = runner.invoke(main, ["user", "create", "--email", "a@example.com", "--name", "A"],
                         input="short\nshort\n")
    assert weak.exit_code != 0 and "at least 10 characters" in weak.output
    ok = ["user", "create", "--email", "a@example.com", "--name", "A", "--password", "Long-enough-1"]
    assert runner.invoke(main, ok).exit_code == 0
    taken = runner.invoke(main, ok)
    assert taken.exit_code == 1 and "already exists" in taken.output
