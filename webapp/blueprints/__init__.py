"""The app's blueprints and where they are mounted."""
from __future__ import annotations

import importlib

# (module, url prefix); modules not written yet are skipped so the app always starts.
BLUEPRINTS = [
    ("webapp.blueprints.api", "/api/v1"),
    ("webapp.blueprints.auth", None),
    ("webapp.blueprints.shop", None),
    ("webapp.blueprints.merch", None),
    ("webapp.blueprints.rules_api", "/api/v1/rules"),
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
