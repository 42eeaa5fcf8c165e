"""The declared dependencies are the ones the code uses, and the lock file pins them as declared.

What pyproject.toml names is what the code imports (no package used only because another one happens to bring
it, none declared and never used), and requirements.lock, which `make install` installs, pins every declared
package at its declared version: a pin changed without `make lock` fails here rather than in a fresh clone.
"""
from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The checkout's folders of code; all but the tests install as `shopgraph.<folder>`.
OUR_PACKAGES = ("bench", "cli", "graph", "loaders", "models", "webapp", "tests")

#: Declared for what they do without being imported by name.
NOT_IMPORTED = {
    "gunicorn": "serves the app (`shopgraph serve` runs it as a program)",
    "neo4j-rust-ext": "the neo4j driver's Rust packer, which the driver loads itself",
    "pyarrow": "pandas reads the Online Retail parquet file with it",
    "openpyxl": "pandas reads the Online Retail .xlsx file with it",
    "email-validator": "WTForms' Email validator checks the sign-up form with it",
    "schemathesis": "tests/webapp/test_openapi_conformance.py runs its command line",
    "uv": "`make lock` compiles requirements.lock with it",
    "ruff": "`make check` lints the code with it",
    "mypy": "`make check` checks the types with it",
}


def _name(requirement: str) -> str:
    return re.split(r"[=<>!~;\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-").replace(".", "-")


def _declared() -> dict[str, str]:
    """Each declared requirement by its normalised name."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + [item for extra in project["optional-dependencies"].values()
                                              for item in extra]
    return {_name(requirement): requirement for requirement in requirements}


def _imported_distributions() -> dict[str, str]:
    """Distributions the project's code imports, each with one file that imports it."""
    from_module = packages_distributions()
    found: dict[str, str] = {}
    for package in OUR_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    top = module.split(".")[0]
                    if top in sys.stdlib_module_names or top in ("shopgraph", "tests"):
                        continue
                    for distribution in from_module.get(top, [top]):
                        found.setdefault(_name(distribution), str(path.relative_to(ROOT)))
    return found


def test_every_imported_package_is_declared():
    declared = _declared()
    undeclared = {name: path for name, path in _imported_distributions().items() if name not in declared}
    assert not undeclared, f"imported but not declared in pyproject.toml (package: an importing file): {undeclared}"


def test_every_declared_package_is_used():
    imported = _imported_distributions()
    unused = sorted(set(_declared()) - set(imported) - set(NOT_IMPORTED))
    assert not unused, f"declared in pyproject.toml but imported nowhere: {unused}"


def test_the_lock_pins_every_declared_package_as_declared():
    lock = (ROOT / "requirements.lock").read_text()
    pins = {_name(line): line.split(" ")[0].strip() for line in lock.splitlines() if re.match(r"^[A-Za-z0-9]", line)}
    for name, requirement in _declared().items():
        assert name in pins, f"{name} is declared but not in requirements.lock: run `make lock`"
        assert pins[name].lower() == requirement.lower().replace("_", "-"), \
            f"pyproject.toml says {requirement}, requirements.lock {pins[name]}: run `make lock`"
