"""The API does what its OpenAPI document says, as schemathesis judges it with every check it has.

The app is served on a loopback port of its own (werkzeug, threaded) over the fixture shop, and the
schemathesis command line runs against ``/api/v1/openapi.json`` with a merchandiser token: every phase
(examples, coverage, fuzzing, stateful), positive and negative data, deterministic (no random seed), a bounded
number of cases per operation. Any failure fails the test with schemathesis's own report of it.
"""
from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

pytest.importorskip("schemathesis")

MAX_EXAMPLES = int(os.environ.get("SHOPGRAPH_SCHEMATHESIS_EXAMPLES", "10"))
MAX_SECONDS = int(os.environ.get("SHOPGRAPH_SCHEMATHESIS_SECONDS", "150"))

#: Five deliberate settings, each with its reason:
#: - a request refused for its size (413) or its URL's length (414) is refused, as negative data should be;
#: - a new rule's dates must be real calendar days and ends_at after starts_at: conditions across a field's
#:   digits and across fields that OpenAPI 3.0 cannot state, so createRule may answer a schema-valid body 400;
#: - recommendations for a visitor's viewed products name no user_id: a condition across two arguments that
#:   OpenAPI 3.0 cannot state, so a schema-valid query giving both is a 400;
#: - a shopper's email must be free: two generated shoppers may well share one, a 409 for the second;
#: - the readiness probe says 503 while no model is trained, which the fixture shop may well be.
CONFIG = """
[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "414", "415", "422", "428", "429"]

[[operations]]
include-operation-id = "createRule"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409", "429"]

[[operations]]
include-operation-id = "recommendations"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404"]

[[operations]]
include-operation-id = "putShopper"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409"]

[[operations]]
include-operation-id = "healthReady"
checks.not_a_server_error.expected-statuses = ["2xx", "4xx", "503"]
"""


@pytest.fixture
def served(app, shop):
    quiet = logging.getLogger("werkzeug")
    level = quiet.level
    quiet.setLevel(logging.WARNING)  # thousands of request lines say nothing schemathesis does not
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        quiet.setLevel(level)


def _schemathesis() -> list[str]:
    return [str(Path(sys.executable).with_name("schemathesis"))]


def test_the_api_conforms_to_its_openapi_document(served, merchandiser_token, tmp_path):
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    command = [
        *_schemathesis(), "--config-file", str(config), "run", f"{served}/api/v1/openapi.json",
        "--checks", "all",
        "--header", f"Authorization: Bearer {merchandiser_token}",
        "--max-examples", str(MAX_EXAMPLES), "--generation-deterministic",  # the same cases every run
        "--workers", "1", "--request-timeout", "30",
        "--max-time", str(MAX_SECONDS), "--no-color", "--output-truncate", "false",
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=MAX_SECONDS + 300, cwd=tmp_path)
    output = run.stdout + run.stderr
    print(output[-6000:])
    assert run.returncode == 0, output[-20000:]
    generated = re.search(r"([0-9]+) generated", output)
    assert generated and int(generated.group(1)) > 1000, "schemathesis ran too few cases to judge the API"
