"""The app's blueprints and where they are mounted."""
from __future__ import annotations

import importlib

from flask import Flask
from flask.blueprints import BlueprintSetupState

# (module, url prefix); modules not written yet are skipped so the app always starts.
BLUEPRINTS = [
    ("shopgraph.webapp.blueprints.api", "/api/v1"),
    ("shopgraph.webapp.blueprints.catalog_api", "/api/v1"),
    ("shopgraph.webapp.blueprints.auth", None),
    ("shopgraph.webapp.blueprints.shop", None),
    ("shopgraph.webapp.blueprints.merch", None),
    ("shopgraph.webapp.blueprints.rules_api", "/api/v1/rules"),
]


def flask_app(state: BlueprintSetupState) -> Flask:
    """The app a blueprint is registered on (typed as Flask's app base class in ``BlueprintSetupState``)."""
    if not isinstance(state.app, Flask):
        raise TypeError(f"the {state.blueprint.name} blueprint needs a Flask app, not a {type(state.app).__name__}")
    return state.app


def registered():
    for name, prefix in BLUEPRINTS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        yield module.blueprint, prefix
