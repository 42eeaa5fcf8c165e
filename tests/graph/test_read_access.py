"""Every read the shop serves runs in READ access mode, so a Neo4j cluster can route it to a secondary.

The app's own driver is wrapped (not mocked: every query still runs against the test server) and notes the access
mode of each session, transaction and ``execute_query`` it is asked for, with the statements run in it. The shop's
pages, the API's GET endpoints and the merchandiser's pages are then asked for as a visitor, a signed-in shopper, a
merchandiser and an API token would, and every piece of WRITE-mode work a GET opens must be one of the writes a
GET is meant to make (``WRITES_A_GET_MAKES``). A read sent in a WRITE session would still answer on a single
server, so nothing but this test notices it; on a cluster it would load the leader with every shopper's reads.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import neo4j
import pytest
from neo4j import RoutingControl

from shopgraph.webapp.timed_graph import query_label
from tests.merch.conftest import mia  # noqa: F401 -- fixtures
from tests.webapp.conftest import Shopper, ada, bob, merchandiser_token, shop  # noqa: F401 -- fixtures
from tests.webapp.shop import bearer

READ, WRITE = "READ", "WRITE"

#: The writes a GET legitimately makes, by statement, and why. Any other WRITE-mode work a GET opens is a read
#: that a cluster could not route to a secondary.
WRITES_A_GET_MAKES = {
    "record_view": "a signed-in shopper opening a product page is a view: an interaction that shapes their list",
    "record_recommendation_lists": "a signed-in shopper's served lists are logged one by one, for experiments "
                                   "and click-through",
    "record_list_tallies": "visitors' served lists are counted per day, surface and strategy",
    "record_recommendation_clicks": "arriving at a product from a list (?rec=) is a click on that list",
}


@dataclass
class Work:
    """One session's auto-commit query, one transaction, or one ``execute_query``, as the driver was asked."""

    how: str
    mode: str
    statements: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.how} in {self.mode} mode: {', '.join(self.statements) or '(nothing run)'}"


def _statement(query: Any) -> str:
    """The named query's name, or the inline text (shortened)."""
    text = query.text if isinstance(query, neo4j.Query) else str(query)
    label = query_label(text)
    return label if label != "inline" else " ".join(text.split())[:80]


class _RecordingTransaction:
    def __init__(self, transaction: Any, work: Work) -> None:
        self._transaction, self._work = transaction, work

    def run(self, query: Any, parameters: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        self._work.statements.append(_statement(query))
        return self._transaction.run(query, parameters, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transaction, name)

    def __enter__(self) -> _RecordingTransaction:
        self._transaction.__enter__()
        return self

    def __exit__(self, *exc: Any) -> Any:
        return self._transaction.__exit__(*exc)


class _RecordingSession:
    def __init__(self, session: Any, mode: str, log: list[Work]) -> None:
        self._session, self._mode, self._log = session, mode, log

    def __enter__(self) -> _RecordingSession:
        self._session.__enter__()
        return self

    def __exit__(self, *exc: Any) -> Any:
        return self._session.__exit__(*exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)

    def run(self, query: Any, parameters: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        self._log.append(Work("session.run", self._mode, [_statement(query)]))
        return self._session.run(query, parameters, **kwargs)

    def execute_read(self, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return self._managed(READ, self._session.execute_read, work, *args, **kwargs)

    def execute_write(self, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return self._managed(WRITE, self._session.execute_write, work, *args, **kwargs)

    def begin_transaction(self, *args: Any, **kwargs: Any) -> _RecordingTransaction:
        work = Work("begin_transaction", self._mode)
        self._log.append(work)
        return _RecordingTransaction(self._session.begin_transaction(*args, **kwargs), work)

    def _managed(self, mode: str, execute: Callable[..., Any], function: Callable[..., Any], *args: Any,
                 **kwargs: Any) -> Any:
        work = Work(f"execute_{mode.lower()}", mode)
        self._log.append(work)

        # wraps keeps the function's unit_of_work settings (its timeout), which the driver reads from it.
        @functools.wraps(function)
        def recorded(transaction: Any, *more: Any, **named: Any) -> Any:
            return function(_RecordingTransaction(transaction, work), *more, **named)

        return execute(recorded, *args, **kwargs)


class RecordingDriver:
    """The app's driver, noting the access mode of everything it is asked to run (in ``log``)."""

    def __init__(self, driver: neo4j.Driver) -> None:
        self._driver = driver
        self.log: list[Work] = []

    def session(self, **config: Any) -> _RecordingSession:
        mode = READ if config.get("default_access_mode", neo4j.WRITE_ACCESS) == neo4j.READ_ACCESS else WRITE
        return _RecordingSession(self._driver.session(**config), mode, self.log)

    def execute_query(self, query: Any, *args: Any, routing_: Any = RoutingControl.WRITE, **kwargs: Any) -> Any:
        self.log.append(Work("execute_query", READ if routing_ == RoutingControl.READ else WRITE,
                             [_statement(query)]))
        return self._driver.execute_query(query, *args, routing_=routing_, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._driver, name)


def unexpected_writes(log: list[Work], allowed: frozenset[str] = frozenset(WRITES_A_GET_MAKES)) -> list[Work]:
    """The WRITE-mode work in ``log`` that is not one of the ``allowed`` writes."""
    return [work for work in log if work.mode == WRITE
            and not (work.statements and set(work.statements) <= allowed)]


@pytest.fixture
def driver(app) -> RecordingDriver:
    """The app's own driver, recording; installed before anyone signs in, so nothing is cached past it."""
    handle = app.extensions["neo4j"].graph  # the Graph inside the app's TimedGraph
    recording = RecordingDriver(handle.driver)
    handle.driver = recording
    return recording


@dataclass(frozen=True)
class Get:
    """A GET as one of the shop's callers makes it, and which of ``WRITES_A_GET_MAKES`` it may make."""

    who: str
    path: str
    may_write: frozenset[str] = frozenset()
    statuses: tuple[int, ...] = (200,)


SHOPPER_LISTS = frozenset({"record_recommendation_lists"})
VISITOR_LISTS = frozenset({"record_list_tallies"})

GETS = [
    # a visitor browsing the shop
    Get("visitor", "/", VISITOR_LISTS),
    Get("visitor", "/categories"),
    Get("visitor", "/categories/home"),
    Get("visitor", "/categories/home?sort=price_asc&page=2"),
    Get("visitor", "/search?q=heart"),
    Get("visitor", "/products/85123A", VISITOR_LISTS),
    Get("visitor", "/products/no-such-product", statuses=(404,)),
    Get("visitor", "/signin"),
    Get("visitor", "/signup"),
    Get("visitor", "/guide"),
    # the API, open or with a token
    Get("visitor", "/api/v1/health"),
    Get("visitor", "/api/v1/health/live"),
    Get("visitor", "/api/v1/health/ready", statuses=(200, 503)),
    Get("visitor", "/api/v1/openapi.json"),
    Get("visitor", "/api/v1/products"),
    Get("visitor", "/api/v1/products?category=kitchen&sort=price_desc"),
    Get("visitor", "/api/v1/products/85123A"),
    Get("visitor", "/api/v1/products/85123A/similar"),
    Get("visitor", "/api/v1/products/85123A/bought-together"),
    Get("visitor", "/api/v1/search?q=heart"),
    Get("visitor", "/metrics"),
    Get("token", "/api/v1/recommendations", VISITOR_LISTS),
    Get("token", "/api/v1/recommendations?user_id=u-bob", SHOPPER_LISTS),
    Get("token", "/api/v1/recommendations?user_id=u-bob&strategy=completes_the_basket", SHOPPER_LISTS),
    Get("token", "/api/v1/rules"),
    Get("token", "/api/v1/rules/r-none", statuses=(404,)),
    # a signed-in shopper
    Get("ada", "/", SHOPPER_LISTS),
    Get("ada", "/products/85123A", SHOPPER_LISTS | {"record_view"}),
    Get("ada", "/products/22423?rec=" + "0" * 32, SHOPPER_LISTS | {"record_view", "record_recommendation_clicks"}),
    Get("ada", "/cart"),
    Get("ada", "/checkout", statuses=(200, 302)),
    Get("ada", "/history"),
    Get("ada", "/orders/order-bob-1", statuses=(404,)),
    Get("bob", "/orders/order-bob-1"),
    Get("ada", "/api/v1/recommendations", SHOPPER_LISTS),
    Get("ada", "/api/v1/recommendations?strategy=popular", SHOPPER_LISTS),
    Get("ada", "/api/v1/recommendations?strategy=hybrid&k=20", SHOPPER_LISTS),
    # a merchandiser
    Get("mia", "/merch"),
    Get("mia", "/merch/shoppers"),
    Get("mia", "/merch/shoppers?user_id=u-bob"),
    Get("mia", "/merch/shoppers?visitor=1"),
    Get("mia", "/merch/products"),
    Get("mia", "/merch/products?product_id=85123A"),
    Get("mia", "/merch/rules"),
    Get("mia", "/merch/experiments"),
    Get("mia", "/merch/reports/no-such-report.png", statuses=(404,)),
    # last: signing out is a GET too
    Get("visitor", "/signout", statuses=(302,)),
]


def test_every_get_reads_in_read_mode_and_writes_only_what_it_must(app, driver, ada, bob, mia,  # noqa: F811
                                                                     merchandiser_token):  # noqa: F811
    callers: dict[str, tuple[Any, dict[str, str]]] = {
        "visitor": (app.test_client(), {}), "token": (app.test_client(), bearer(merchandiser_token)),
        "ada": (ada.client, {}), "bob": (bob.client, {}), "mia": (mia.client, {}),
    }
    problems, seen = [], []
    for get in GETS:
        client, headers = callers[get.who]
        driver.log.clear()
        response = client.get(get.path, headers=headers)
        assert response.status_code in get.statuses, (get, response.status_code, response.get_data(as_text=True)[:500])
        seen += driver.log
        problems += [f"GET {get.path} as {get.who}: {work}"
                     for work in unexpected_writes(driver.log, get.may_write)]

    assert not problems, "WRITE-mode work opened by GETs that should only read:\n" + "\n".join(problems)
    # The recorder saw the reads: each way the app reads (read sessions' queries, read transactions, the
    # driver's execute_query) went through it, so an empty list of problems means something.
    ways = {work.how for work in seen if work.mode == READ}
    assert {"session.run", "execute_read", "execute_query"} <= ways, ways


def test_the_gets_cover_every_get_route_of_the_app(app):
    adapter = app.url_map.bind("localhost")
    asked = {adapter.match(get.path.split("?")[0], method="GET")[0] for get in GETS}
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods and rule.endpoint != "static"}
    assert routes - asked == set(), "GET routes this test does not ask for: add them to GETS"


def test_a_read_sent_in_a_write_session_is_caught(app, driver, shop):  # noqa: F811
    graph = app.extensions["neo4j"]

    graph.read("count_products")
    assert unexpected_writes(driver.log) == []

    graph.write("count_products")
    caught = unexpected_writes(driver.log)
    assert [str(work) for work in caught] == ["execute_write in WRITE mode: count_products"]
