"""The app's blueprints and where they are mounted."""
from __future__ import annotations

import importlib

# (module, url prefix); modules not written yet are skipped so the app always starts.
BLUEPRINTS = [
    ("shopgraph.webapp.blueprints.api", "/api/v1"),
    ("shopgraph.webapp.blueprints.auth", None),
    ("shopgraph.webapp.blueprints.shop", None),
    ("shopgraph.webapp.blueprints.merch", None),
    ("shopgraph.webapp.blueprints.rules_api", "/api/v1/rules"),
]


def registered():
    for name, prefix in BLUEPRINTS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        yield module.blueprint, prefix
