"""ShopGraph as a wheel: built from the checkout, installed non-editable into a fresh virtual environment, run
from a folder outside the checkout.

The fresh environment finds the wheel's dependencies in the test environment's site-packages through a path
file; that folder's own path files are not processed, so the checkout's editable install stays invisible and
every `shopgraph` import comes from the wheel.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.webapp.shop import PRODUCT_COUNT, stock

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(folder),
                    str(ROOT)], check=True, capture_output=True, text=True, timeout=300)
    return next(folder.glob("shopgraph-*.whl"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The fresh environment's bin folder."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    fresh_site = Path(subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; "
                                      "print(sysconfig.get_paths()['purelib'])"],
                                     check=True, capture_output=True, text=True).stdout.strip())
    (fresh_site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet",
                    "--no-deps", str(wheel)], check=True, capture_output=True, text=True, timeout=300)
    return venv / "bin"


def _environment(tmp_path: Path, neo4j_settings) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("SHOPGRAPH_", "PROMETHEUS_", "PYTHON"))}
    env.update(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"), NEO4J_URI=neo4j_settings.uri,
               NEO4J_USER=neo4j_settings.user, NEO4J_PASSWORD=neo4j_settings.password,
               NEO4J_DATABASE=neo4j_settings.database)
    return env


def test_the_wheel_holds_one_namespace_and_the_cypher_library(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top_level == {"shopgraph"}
    assert "shopgraph/cypher/count_products.cypher" in names
    assert any(name.startswith("shopgraph/cypher/strategies/") for name in names)
    assert any(name.startswith("shopgraph/webapp/templates/") for name in names)
    assert "shopgraph/bench/run.py" in names
    assert "shopgraph/graph/neo4j-runtime.pom.xml" in names


def test_the_installed_wheel_describes_and_runs_a_named_query(installed, graph, neo4j_settings, tmp_path):
    stock(graph)
    env = _environment(tmp_path, neo4j_settings)
    shopgraph = str(installed / "shopgraph")
    described = subprocess.run([shopgraph, "cypher", "count_products", "--describe"], cwd=tmp_path, env=env,
                               capture_output=True, text=True, timeout=120)
    assert described.returncode == 0, described.stderr
    assert "How many products the catalogue holds" in described.stdout
    where = subprocess.run([str(installed / "python"), "-c", "import shopgraph.graph.settings as s; "
                            "print(s.CYPHER_DIR); print(s.home())"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, check=True)
    cypher_dir, home = where.stdout.split()
    assert not cypher_dir.startswith(str(ROOT)) and home == str(tmp_path / "data" / "shopgraph")
    ran = subprocess.run([shopgraph, "cypher", "count_products", "--json"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) == [{"total": PRODUCT_COUNT}]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_installed_wheel_serves_the_shop(installed, graph, neo4j_settings, tmp_path):
    stock(graph)
    env = _environment(tmp_path, neo4j_settings)
    env["SHOPGRAPH_SECRET_KEY"] = "k" * 32
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen([str(installed / "shopgraph"), "serve", "--port", str(port), "--workers", "1"],
                                   cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/products/85123A", timeout=30) as response:
                    page = response.read().decode()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the installed shop did not answer:\n{log.read_text()[-3000:]}")
                time.sleep(0.3)
        assert response.status == 200
        assert "White Hanging Heart T-Light Holder" in page and "2.95" in page
    finally:
        process.terminate()
        process.wait(timeout=60)
