"""``shopgraph token create|list|revoke`` and ``shopgraph user create``: API tokens and accounts."""
from __future__ import annotations

import sys

import click

from shopgraph.graph import tokens as api_tokens
from shopgraph.graph.db import Graph, GraphUnavailable
from shopgraph.graph.users import ROLES as USER_ROLES
from shopgraph.graph.users import EmailTaken, Users
from shopgraph.webapp.security import hash_password, password_problem


def _graph() -> Graph:
    return Graph()


def _unreachable(error: Exception) -> None:
    click.echo(f"error: Neo4j is unreachable ({error}); start it with `shopgraph neo4j start`", err=True)
    sys.exit(1)


@click.group("token")
def token_group() -> None:
    """API tokens for merchandisers and integrations (stored hashed; shown once)."""


@token_group.command("create")
@click.option("--role", required=True, type=click.Choice(api_tokens.ROLES),
              help="merchandiser: everything, including any shopper's recommendations; "
                   "integration: catalogue reads, events, and writing and deleting products and shoppers.")
@click.option("--name", default=None, help="What the token is for (shown by `token list`).")
def token_create(role: str, name: str | None) -> None:
    """Create a token; it is printed once, as the last word."""
    try:
        with _graph() as graph:
            graph.apply_schema()
            token, text = api_tokens.Tokens(graph).create(role, name)
    except GraphUnavailable as error:
        _unreachable(error)
    click.echo(f"Created a {role} token (id {token.id}). Keep it secret; it cannot be shown again:", err=True)
    click.echo(text)


@token_group.command("list")
def token_list() -> None:
    """List tokens (id, role, name, created), never their secrets."""
    try:
        with _graph() as graph:
            rows = api_tokens.Tokens(graph).all()
    except GraphUnavailable as error:
        _unreachable(error)
    if not rows:
        click.echo("(no tokens)")
    for row in rows:
        click.echo(f"{row['id']}\t{row['role']}\t{row.get('name') or ''}\t{row['createdAt']:%Y-%m-%d %H:%M}")


@token_group.command("revoke")
@click.argument("token_id")
def token_revoke(token_id: str) -> None:
    """Revoke a token by id (API workers stop accepting it within 30 seconds)."""
    try:
        with _graph() as graph:
            revoked = api_tokens.Tokens(graph).revoke(token_id)
    except GraphUnavailable as error:
        _unreachable(error)
    if not revoked:
        click.echo(f"error: there is no token {token_id}", err=True)
        sys.exit(1)
    click.echo(f"Revoked token {token_id}.")


def _checked_password(value: str, email: str) -> str:
    problem = password_problem(value, email)
    if problem:
        raise click.BadParameter(problem)
    return value


@click.group("user")
def user_group() -> None:
    """Shop accounts."""


@user_group.command("create")
@click.option("--email", required=True, help="The sign-in email (stored lower-cased).")
@click.option("--name", required=True, help="The name the shop greets them by.")
@click.option("--role", default="shopper", show_default=True, type=click.Choice(USER_ROLES))
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Prompted for when not given (at least 10 characters, two kinds of character).")
def user_create(email: str, name: str, role: str, password: str) -> None:
    """Create an account, e.g. a merchandiser for /merch."""
    if "@" not in email or len(email) > 254:
        raise click.BadParameter("enter an email address like name@example.com", param_hint="--email")
    if not name.strip() or len(name) > 80:
        raise click.BadParameter("give a name of 1 to 80 characters", param_hint="--name")
    try:
        _checked_password(password, email)
    except click.BadParameter as error:
        error.param_hint = "--password"
        raise
    try:
        with _graph() as graph:
            graph.apply_schema()
            user = Users(graph).create(email, name, hash_password(password), role)
    except GraphUnavailable as error:
        _unreachable(error)
    except EmailTaken:
        click.echo(f"error: an account with the email {email.lower()} already exists", err=True)
        sys.exit(1)
    click.echo(f"Created {role} {user['email']} (id {user['id']}).")


def register(main: click.Group) -> None:
    main.add_command(token_group)
    main.add_command(user_group)
