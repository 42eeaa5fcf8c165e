"""Faults of the database itself, on a Neo4j server of this module's own (ports one above the test server's), so the
session's server is never killed: the server's own transaction timeout, the server killed under write load, and the
server frozen (SIGSTOP: alive, connected, silent) under shoppers' requests."""
from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import dataclass

import pytest
from neo4j.exceptions import ClientError

from shopgraph.graph import server
from shopgraph.graph.db import Graph
from shopgraph.graph.settings import LocalServer, Neo4jSettings
from shopgraph.graph.timeouts import TIMED_OUT
from shopgraph.graph.tokens import Tokens
from shopgraph.webapp.app import close_app, create_app
from tests.webapp.shop import bearer, stock
from tests.webapp.stall import PATIENCE, in_background, lock_held_on, wait_until_blocked

CLIENTS = 4
#: Shoppers each client rates a product for, one event each: every acknowledged rating is a distinct edge.
SHOPPERS_PER_CLIENT = 5000


@pytest.fixture(scope="module")
def fault_server(test_server: LocalServer):
    if os.environ.get("NEO4J_URI"):
        pytest.skip("the fault tests start and kill a local server of their own")
    own = LocalServer(name=f"fault-{test_server.bolt_port + 1}", bolt_port=test_server.bolt_port + 1,
                      http_port=test_server.http_port + 1)
    saved = {name: os.environ.get(name) for name in
             ("SHOPGRAPH_NEO4J_HEAP", "SHOPGRAPH_NEO4J_PAGECACHE", "SHOPGRAPH_NEO4J_TRANSACTION_TIMEOUT")}
    # A short server-side timeout, so the test of it is quick; a small server, so (re)starting it is.
    os.environ.update(SHOPGRAPH_NEO4J_HEAP="512m", SHOPGRAPH_NEO4J_PAGECACHE="128m",
                      SHOPGRAPH_NEO4J_TRANSACTION_TIMEOUT="2s")
    try:
        server.stop(own)  # a run that was interrupted may have left it running with other settings
        server.start(own)
        yield own
    finally:
        server.stop(own)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture
def fault_graph(fault_server: LocalServer):
    password = server.status(fault_server).password
    graph = Graph(Neo4jSettings(uri=fault_server.uri, user="neo4j", password=password))
    graph.wipe()
    graph.apply_schema()
    stock(graph)
    yield graph
    graph.close()


def test_the_server_stops_transactions_that_name_no_timeout_but_not_batch_work(fault_graph):
    with lock_held_on(fault_graph, "MATCH (u:User {id: 'u-ada'}) SET u.heldBy = 'a stalled transaction'"):
        loader, loaded = in_background(lambda: fault_graph.write(
            "MATCH (u:User {id: 'u-ada'}) SET u.loadedBy = 'the loader' RETURN u.id AS id"))
        wait_until_blocked(fault_graph, "the loader")
        # A client that names no timeout, as the Neo4j Browser: the server's own 2 s apply.
        with fault_graph.driver.session() as browser:
            with pytest.raises(ClientError) as stopped:
                browser.run("MATCH (u:User {id: 'u-ada'}) SET u.editedBy = 'a merchandiser'").consume()
    loader.join(PATIENCE)

    assert stopped.value.code in TIMED_OUT
    assert loaded == [[{"id": "u-ada"}]], "batch work waited longer than the server's timeout, and wrote"


@dataclass(frozen=True)
class Answer:
    shopper: str
    status: int
    code: str | None
    retry_after: str | None
    at: float


class RatingClients:
    """``CLIENTS`` threads posting one rating after another, each for a shopper not rated before."""

    def __init__(self, app, token: str) -> None:
        self.app, self.token = app, token
        self.answers: list[Answer] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(CLIENTS)]

    def __enter__(self) -> RatingClients:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(PATIENCE)

    def _run(self, client_number: int) -> None:
        client = self.app.test_client()
        for i in range(SHOPPERS_PER_CLIENT):
            if self._stop.is_set():
                return
            shopper = f"load-{client_number}-{i}"
            response = client.post("/api/v1/events", headers=bearer(self.token),
                                   json={"user_id": shopper, "product_id": "22423", "type": "rate", "value": 4})
            body = response.get_json(silent=True) or {}
            answer = Answer(shopper, response.status_code, (body.get("error") or {}).get("code"),
                            response.headers.get("Retry-After"), time.monotonic())
            with self._lock:
                self.answers.append(answer)

    def wait_for(self, condition, what: str) -> None:
        deadline = time.monotonic() + 3 * PATIENCE
        while time.monotonic() < deadline:
            with self._lock:
                answers = list(self.answers)
            if condition(answers):
                return
            time.sleep(0.05)
        raise AssertionError(f"the clients never got {what}")


def test_neo4j_killed_under_write_load_loses_nothing_acknowledged_and_the_shop_recovers(fault_server, fault_graph):
    fault_graph.write("UNWIND range(0, $clients - 1) AS c UNWIND range(0, $shoppers - 1) AS i "
                      "CREATE (:User {id: 'load-' + c + '-' + i, role: 'shopper'})",
                      clients=CLIENTS, shoppers=SHOPPERS_PER_CLIENT)
    token = Tokens(fault_graph).create("integration")[1]
    settings = fault_graph.settings
    app = create_app({"TESTING": True, "NEO4J_SETTINGS": settings, "SECRET_KEY": "test",
                      "EVENTS_LIMIT": "1000000 per minute", "NEO4J_RETRY_SECONDS": 1.0})
    acknowledged = lambda answers: [a for a in answers if a.status == 200]  # noqa: E731

    try:
        with RatingClients(app, token) as clients:
            clients.wait_for(lambda answers: len(acknowledged(answers)) >= 10, "10 ratings acknowledged")
            os.kill(server.status(fault_server).pid, signal.SIGKILL)
            killed_at = time.monotonic()
            clients.wait_for(lambda answers: sum(a.status == 503 and a.at > killed_at for a in answers) >= 4,
                             "503s while the database was away")
            server.start(fault_server)
            back_at = time.monotonic()
            clients.wait_for(lambda answers: sum(a.at > back_at for a in acknowledged(answers)) >= 10,
                             "ratings acknowledged again once the database was back")
    finally:
        close_app(app)

    answers = clients.answers
    assert {a.status for a in answers} <= {200, 503}, {a.status for a in answers}
    unavailable = [a for a in answers if a.status == 503]
    assert {a.code for a in unavailable} <= {"graph_unavailable", "outcome_unknown"}
    assert all(a.retry_after and int(a.retry_after) > 0 for a in unavailable)
    with Graph(settings) as after_restart:
        rated = {row["id"] for row in after_restart.read(
            "MATCH (u:User)-[:RATED]->(:Product {id: '22423'}) WHERE u.id STARTS WITH 'load-' RETURN u.id AS id")}
    lost = [a.shopper for a in acknowledged(answers) if a.shopper not in rated]
    assert not lost, f"{len(lost)} acknowledged ratings lost, e.g. {lost[:5]}"


#: Pages and API calls that each need the graph (no worker cache answers them): a shopper browsing the catalogue.
FROZEN_REQUESTS = ("/api/v1/products/22423", "/api/v1/search?q=mug", "/products/22423", "/search?q=lantern")


def _answer(app, path: str) -> tuple[str, object]:
    response = app.test_client().get(path)
    return path, response


def test_a_frozen_neo4j_is_a_503_with_retry_after_and_the_shop_answers_again_once_it_thaws(fault_server, fault_graph):
    """A stopped process keeps its sockets open and answers nothing: no error ever arrives by itself. The request
    timeout cannot help (the server would have to enforce it); what bounds each request is the driver giving up on
    a silent connection (the server's keep-alive hint), on opening one, and on waiting for one from the pool."""
    app = create_app({"TESTING": True, "NEO4J_SETTINGS": fault_graph.settings, "SECRET_KEY": "test",
                      "NEO4J_RETRY_SECONDS": 1.0})
    pid = server.status(fault_server).pid
    try:
        # Pooled connections first, so the freeze finds connections the driver believes are healthy.
        assert all(app.test_client().get(path).status_code == 200 for path in FROZEN_REQUESTS)
        os.kill(pid, signal.SIGSTOP)
        try:
            requests = [in_background(lambda path=path: _answer(app, path)) for path in FROZEN_REQUESTS]
            for thread, _ in requests:
                thread.join(3 * PATIENCE)
            answered = dict(outcome[0] for thread, outcome in requests if not thread.is_alive() and outcome)
        finally:
            os.kill(pid, signal.SIGCONT)
        assert set(answered) == set(FROZEN_REQUESTS), "a request to the frozen database never came back"
        for path, response in answered.items():
            assert response.status_code == 503, (path, response.status_code)
            assert int(response.headers["Retry-After"]) > 0, path
            if path.startswith("/api/"):
                assert response.get_json()["error"]["code"] == "graph_unavailable", path
            else:
                assert "try again" in response.get_data(as_text=True), path

        deadline = time.monotonic() + 3 * PATIENCE
        statuses: dict[str, int] = {}
        while time.monotonic() < deadline:
            statuses = {path: app.test_client().get(path).status_code for path in FROZEN_REQUESTS}
            if set(statuses.values()) == {200}:
                break
            time.sleep(0.5)
        assert set(statuses.values()) == {200}, f"the shop did not recover once Neo4j thawed: {statuses}"
    finally:
        close_app(app)
