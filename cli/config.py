"""``shopgraph config``: the settings this process would run with, each with where it came from.

Secrets (the secret key, passwords, tokens) are shown as ``********`` when set, never their value; a password
inside a URI (``redis://:password@host``) is hidden too. A variable holding something unusable is shown with
its problem, and the command then exits with 1, so ``shopgraph config`` is also the check before a start.
"""
from __future__ import annotations

import json
import sys
from typing import Any

import click

from shopgraph.graph.config import Entry, entries, masked

UNSET = "(unset)"


def _unset(value: Any) -> bool:
    return value is None or value in ("", ())


def _shown(entry: Entry) -> str:
    return UNSET if _unset(entry.value) else masked(entry.variable, entry.value)


def _json_value(entry: Entry) -> Any:
    value = entry.value
    if _unset(value):
        return None
    if isinstance(value, (bool, int, float)) and not entry.variable.masked:
        return value
    return masked(entry.variable, value)


@click.command("config")
@click.option("--json", "as_json", is_flag=True, help="One JSON document instead of lines.")
def config(as_json: bool) -> None:
    """Print every setting: its variable, its value, and whether it came from the environment or is the default.

    Secrets are masked. Exits with 1 when a variable holds something unusable (each is named with what it
    expects)."""
    found = entries()
    problems = [entry.problem for entry in found if entry.problem]
    if as_json:
        click.echo(json.dumps({
            "settings": [{"name": entry.variable.name, "value": _json_value(entry), "source": entry.source,
                          "secret": entry.variable.masked, "description": entry.variable.description,
                          **({"problem": entry.problem} if entry.problem else {})} for entry in found],
            "problems": problems,
        }, indent=2))
    else:
        width = max(len(entry.variable.name) for entry in found)
        for entry in found:
            value = f"!! {entry.problem}" if entry.problem else _shown(entry)
            click.echo(f"{entry.variable.name:<{width}}  {value}  ({entry.source})")
    if problems:
        click.echo(f"{len(problems)} setting{'s' if len(problems) > 1 else ''} unusable: "
                   + "; ".join(problems), err=True)
        sys.exit(1)


def register(main: click.Group) -> None:
    main.add_command(config)
