"""The OpenAPI document tells the truth: every /api/v1 route is in it, nothing else is, and the
parameters and error statuses it lists are the ones the routes take and give."""
from __future__ import annotations

import re

import pytest

from tests.webapp.shop import bearer

PREFIX = "/api/v1"
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _routes(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX + "/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule[len(PREFIX):])
        found |= {(path, method.lower()) for method in rule.methods - IGNORED_METHODS}
    return found


def _documented(document) -> set[tuple[str, str]]:
    return {(path, method) for path, item in document["paths"].items() for method in item}


def test_every_api_route_is_documented_and_nothing_more(app, client):
    document = client.get(f"{PREFIX}/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    routes, documented = _routes(app), _documented(document)
    assert routes - documented == set(), "routes missing from the OpenAPI document"
    assert documented - routes == set(), "documented operations no route serves"


def test_path_parameters_match_the_routes(client):
    document = client.get(f"{PREFIX}/openapi.json").get_json()
    for path, item in document["paths"].items():
        in_path = set(re.findall(r"{([^}]+)}", path))
        for method, operation in item.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == in_path, f"{method.upper()} {path}"


def test_every_reference_resolves(client):
    document = client.get(f"{PREFIX}/openapi.json").get_json()
    text = str(document)
    for kind, name in re.findall(r"#/components/(schemas|responses)/([A-Za-z]+)", text):
        assert name in document["components"][kind], f"{kind}/{name}"


def test_every_operation_has_an_id_a_summary_and_a_success_response(client):
    document = client.get(f"{PREFIX}/openapi.json").get_json()
    ids = []
    for path, item in document["paths"].items():
        for operation in item.values():
            ids.append(operation["operationId"])
            assert operation["summary"], path
            assert any(status.startswith("2") for status in operation["responses"]), path
    assert len(ids) == len(set(ids))


def _operation(document, path: str, method: str) -> dict:
    return document["paths"][path][method]


# Each case: a request that fails, and the documented operation whose responses must list the status.
_PROBES = [
    ("get", "/products?page=0", "/products", {}),
    ("get", "/products?category=nowhere", "/products", {}),
    ("get", "/products/nope", "/products/{product_id}", {}),
    ("get", "/products/nope/similar", "/products/{product_id}/similar", {}),
    ("get", "/products/22423/similar?k=abc", "/products/{product_id}/similar", {}),
    ("get", "/products/nope/bought-together", "/products/{product_id}/bought-together", {}),
    ("get", "/products/22423/bought-together?k=0", "/products/{product_id}/bought-together", {}),
    ("get", "/search?q=" + "x" * 300, "/search", {}),
    ("get", "/recommendations", "/recommendations", {}),
    ("get", "/recommendations?k=0", "/recommendations", {"token": "merchandiser"}),
    ("get", "/recommendations?user_id=u-bob", "/recommendations", {"token": "integration"}),
    ("get", "/recommendations?user_id=ghost", "/recommendations", {"token": "merchandiser"}),
    ("get", "/recommendations?offset=-1", "/recommendations", {"token": "merchandiser"}),
    ("get", "/recommendations?category=nowhere", "/recommendations", {"token": "merchandiser"}),
    ("get", "/recommendations?viewed=22423&user_id=u-bob", "/recommendations", {"token": "integration"}),
    ("put", "/products/NEW-1", "/products/{product_id}", {"json": {"name": "A"}}),
    ("put", "/products/NEW-1", "/products/{product_id}", {"token": "integration", "json": {"name": ""}}),
    ("put", "/products/NEW-1", "/products/{product_id}", {"token": "integration",
                                                          "json": {"name": "A", "categories": ["nowhere"]}}),
    ("delete", "/products/22423", "/products/{product_id}", {}),
    ("put", "/shoppers/crm-1", "/shoppers/{user_id}", {"token": "integration", "json": {"name": "A",
                                                                                        "email": "ada@example.com"}}),
    ("put", "/shoppers/crm-1", "/shoppers/{user_id}", {"token": "integration", "json": {"email": "a@b"}}),
    ("delete", "/shoppers/u-ada", "/shoppers/{user_id}", {}),
    ("post", "/events", "/events", {"json": {"product_id": "x", "type": "like"}}),
    ("post", "/events", "/events", {"token": "integration", "json": {"type": "nope"}}),
    ("post", "/events", "/events", {"token": "integration", "json": {"user_id": "u-bob", "product_id": "no",
                                                                     "type": "like"}}),
    ("get", "/recommendations", "/recommendations", {"raw_token": "sg_bad_token"}),
]


@pytest.mark.parametrize("method, url, path, options", _PROBES, ids=[f"{m} {u[:40]}" for m, u, _, _ in _PROBES])
def test_the_error_statuses_routes_give_are_documented(client, shop, method, url, path, options):
    from shopgraph.graph.tokens import Tokens

    headers = {}
    if options.get("token"):
        headers = bearer(Tokens(shop).create(options["token"])[1])
    if options.get("raw_token"):
        headers = bearer(options["raw_token"])
    response = getattr(client, method)(PREFIX + url, headers=headers, json=options.get("json"))
    assert response.status_code >= 400
    document = client.get(f"{PREFIX}/openapi.json").get_json()
    responses = _operation(document, path, method)["responses"]
    assert str(response.status_code) in responses, f"{response.status_code} is not documented for {path}"


def test_documented_query_parameters_are_the_ones_the_routes_read(client, shop):
    """A parameter the document names changes the answer; a parameter it does not name is ignored."""
    document = client.get(f"{PREFIX}/openapi.json").get_json()
    names = {p["name"] for p in _operation(document, "/products", "get")["parameters"]}
    assert names == {"page", "per_page", "category", "sort"}
    for name, bad in (("page", "0"), ("per_page", "0"), ("sort", "x"), ("category", "nowhere")):
        assert client.get(f"{PREFIX}/products?{name}={bad}").status_code in (400, 404), name
    assert client.get(f"{PREFIX}/products?colour=red").status_code == 200
    search = {p["name"] for p in _operation(document, "/search", "get")["parameters"]}
    assert search == {"q", "page", "per_page"}
    recommendations = {p["name"] for p in _operation(document, "/recommendations", "get")["parameters"]}
    assert recommendations == {"user_id", "k", "strategy", "offset", "category", "exclude", "viewed"}


def test_the_strategies_and_event_types_listed_are_the_ones_accepted(client, shop):
    from shopgraph.graph.events import EVENT_TYPES
    from shopgraph.models.serving import STRATEGIES
    from shopgraph.webapp import recommender

    document = client.get(f"{PREFIX}/openapi.json").get_json()
    strategy = next(p for p in _operation(document, "/recommendations", "get")["parameters"] if p["name"] == "strategy")
    with client.application.app_context():
        accepted = recommender.service().strategy_names()  # the built-in ones, then the strategy files
    assert strategy["schema"]["enum"] == list(accepted) and accepted[:len(STRATEGIES)] == STRATEGIES
    schemas = document["components"]["schemas"]
    variants = [schemas[ref["$ref"].rsplit("/", 1)[1]] for ref in schemas["Event"]["oneOf"]]
    listed = [kind for variant in variants for kind in variant["properties"]["type"]["enum"]]
    assert sorted(listed) == sorted(EVENT_TYPES) and len(listed) == len(set(listed))
