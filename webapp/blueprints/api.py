"""The JSON API under /api/v1: the catalogue, search, recommendations and feedback events.

Reads of the catalogue are open. Recommendations need a caller: a signed-in shopper gets their own;
a merchandiser (session or token) may ask for any ``user_id``; any caller may ask for a visitor's list from the
products they ``viewed``. Writes of products and shoppers are in ``catalog_api``. Events are written for the signed-in
shopper (session + ``X-CSRFToken``) or, with a token, for the ``user_id`` each event names; only
tokens send batches. Errors are ``{"error": {"code", "message", "field"?}}`` with the right status.
The OpenAPI document (``webapp.openapi``) describes every route here, and a test keeps it true.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import Blueprint, current_app, jsonify, request, url_for

from shopgraph.graph.catalog import DEFAULT_SORT, SORTS, Catalog
from shopgraph.graph.db import Graph
from shopgraph.graph.events import (
    Event,
    Feedback,
    InvalidEvent,
    parse_event,
    record_alone,
    record_many_tx,
    record_tx,
)
from shopgraph.models.serving import (
    DEFAULT_STRATEGY,
    MAX_OFFSET,
    MAX_VIEWED,
    ListFilter,
    UnknownShopper,
    UnknownStrategy,
)
from shopgraph.webapp import idempotency, online_metrics, openapi, readiness, recommender

# Arguments are read strictly, as the OpenAPI document states them.
from shopgraph.webapp.api_args import bad, check_id_value, choice_arg, id_arg, id_list_arg, int_arg, text_arg
from shopgraph.webapp.blueprints import flask_app
from shopgraph.webapp.display import display_name
from shopgraph.webapp.errors import RETRY_AFTER_SECONDS, ApiError
from shopgraph.webapp.neo4j_ext import graph
from shopgraph.webapp.security import Caller, require_api_caller

blueprint = Blueprint("api", __name__)
blueprint.record_once(lambda state: recommender.init_app(flask_app(state)))
blueprint.record_once(lambda state: online_metrics.init_app(flask_app(state)))
blueprint.record_once(lambda state: openapi.contribute(flask_app(state), CLICK_PATHS))

MAX_PER_PAGE = 100
MAX_PAGE = 10_000
MAX_K = 100
MAX_QUERY_LENGTH = 200
MAX_BATCH = 1000
MAX_EXCLUDE = 100


@blueprint.get("/health")
def health():
    """Up when Neo4j answers a read; the GraphUnavailable handler turns a dead server into a 503."""
    graph().ping()
    return jsonify({"status": "ok", "neo4j": "up"})


@blueprint.get("/health/live")
def health_live():
    """The process answers requests; nothing else is asked (what fails a liveness probe gets restarted)."""
    return jsonify({"status": "alive"})


@blueprint.get("/health/ready")
def health_ready():
    """Ready for shoppers: Neo4j answers and a trained model is loaded; otherwise a 503 naming what is missing."""
    state = readiness.check()
    if state["status"] == "ready":
        return jsonify(state)
    body = {**state, "error": {"code": "not_ready", "message": readiness.problem(state)}}
    return jsonify(body), 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


@blueprint.get("/openapi.json")
def openapi_document():
    return jsonify(openapi.document(current_app))


#: Stands in for a product id while url_for builds the shape of a response's product urls.
_ID_MARK = "0product0id0"


def product_urls(**url_args: Any) -> Callable[[str], str | None]:
    """Shop urls of products for one response; ``url_args`` go into each (e.g. ``rec`` for a recommendation list).

    url_for builds one url and the others take its shape, each id quoted by the route's own converter:
    werkzeug's url building cost more than the rest of a card, 0.4 ms for a list of ten.
    """
    if "shop" not in current_app.blueprints:
        return lambda product_id: None
    head, _, tail = url_for("shop.product", product_id=_ID_MARK, **url_args).partition(_ID_MARK)
    to_url = current_app.url_map.converters["default"](current_app.url_map).to_url
    return lambda product_id: f"{head}{to_url(product_id)}{tail}"


def product_json(product: dict[str, Any], urls: Callable[[str], str | None]) -> dict[str, Any]:
    """A product card as JSON, its shop url from ``urls`` (``product_urls``)."""
    body = {
        "id": product["id"],
        "name": display_name(product.get("name")),
        "price": product.get("price"),
        # the product's own currency; the shop's configured one for products whose data named none
        "currency": product.get("currency") or current_app.config.get("CURRENCY", "GBP"),
        "imageUrl": product.get("imageUrl"),
        "brand": product.get("brand"),
        "avgRating": product.get("avgRating"),
        "ratingCount": product.get("ratingCount") or 0,
        "url": urls(product["id"]),
    }
    for extra in ("description", "categories", "tags"):
        if extra in product:
            body[extra] = product[extra]
    return body


def _page_json(listing, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"items": items, "page": listing.page, "per_page": listing.per_page, "total": listing.total,
            "pages": listing.pages}


def _recommendations_json(recommendations, list_id: str | None = None) -> list[dict[str, Any]]:
    """Items with their product cards; with a ``list_id``, product urls carry ``?rec=`` so a visit counts as a
    click on the list."""
    cards = recommender.shelf(recommendations, Catalog(graph()), display_name)
    urls = product_urls(rec=list_id) if list_id is not None else product_urls()
    return [{"product_id": card["id"], "score": card["score"], "because": card["because"], "reason": card["reason"],
             "product": product_json(card, urls)} for card in cards]


# -- catalogue -----------------------------------------------------------------------------------
@blueprint.get("/products")
def products():
    page = int_arg("page", 1, 1, MAX_PAGE)
    per_page = int_arg("per_page", 24, 1, MAX_PER_PAGE)
    sort = choice_arg("sort", DEFAULT_SORT, SORTS)
    category = id_arg("category")
    catalog = Catalog(graph())
    if category is not None:
        if catalog.category(category) is None:
            raise ApiError(404, "not_found", f"There is no category {category!r}.", "category")
        listing = catalog.category_products(category, sort, page, per_page)
    else:
        listing = catalog.listing(sort, page, per_page)
    urls = product_urls()
    return jsonify(_page_json(listing, [product_json(p, urls) for p in listing.items]))


def _existing_product(product_id: str) -> dict[str, Any]:
    found = Catalog(graph()).product(product_id)
    if found is None:
        raise ApiError(404, "not_found", f"There is no product {product_id!r}.", "product_id")
    return found


@blueprint.get("/products/<product_id>")
def product(product_id: str):
    return jsonify(product_json(_existing_product(product_id), product_urls()))


@blueprint.get("/products/<product_id>/similar")
def similar(product_id: str):
    return _related("similar_products", product_id)


@blueprint.get("/products/<product_id>/bought-together")
def bought_together(product_id: str):
    return _related("bought_together", product_id)


def _related(kind: str, product_id: str):
    """A product's row of related products: ``kind`` names a method of the service's ``products``."""
    k = int_arg("k", 10, 1, MAX_K)
    _existing_product(product_id)
    items = getattr(recommender.service().products, kind)(product_id, k)
    return jsonify({"product_id": product_id, "items": _recommendations_json(items)})


@blueprint.get("/search")
def search():
    text = text_arg("q", MAX_QUERY_LENGTH)
    page = int_arg("page", 1, 1, MAX_PAGE)
    per_page = int_arg("per_page", 24, 1, MAX_PER_PAGE)
    results = Catalog(graph()).search(text, page, per_page)
    urls = product_urls()
    items = [{**product_json(p, urls), "score": p["score"]} for p in results.items]
    return jsonify({"q": text, "words": results.words, **_page_json(results, items)})


# -- recommendations -----------------------------------------------------------------------------
@blueprint.get("/recommendations")
def recommendations():
    caller = require_api_caller()
    k = int_arg("k", 10, 1, MAX_K)
    # The built-in strategies and the shop's strategy files (cypher/strategies/), which may change while it runs.
    strategy = choice_arg("strategy", DEFAULT_STRATEGY, recommender.service().strategy_names())
    offset = int_arg("offset", 0, 0, MAX_OFFSET)
    category = id_arg("category")
    exclude = id_list_arg("exclude", MAX_EXCLUDE)
    viewed = id_list_arg("viewed", MAX_VIEWED)
    if viewed:
        # A visitor's list: nobody's history is read, so any caller may ask, and it names no user.
        if id_arg("user_id") is not None:
            raise bad("viewed", "viewed asks for a visitor's list: give user_id or viewed, not both.")
        user_id = None
    else:
        user_id = _subject(caller, id_arg("user_id"))
    if category is not None and not Catalog(graph()).category_names([category]):
        raise ApiError(404, "not_found", f"There is no category {category!r}.", "category")
    wanted = ListFilter(category, frozenset(exclude), offset)
    metrics = online_metrics.metrics()
    # A caller who names no strategy gets the shopper's variant while an A/B test runs.
    assignment = None if "strategy" in request.args or viewed else metrics.assignment(user_id)
    if assignment is not None:
        strategy = assignment.strategy
    service = recommender.service()
    try:
        # The service's first read tells an unknown shopper, so asking costs no extra round trip.
        if viewed:
            items = service.recommend_viewed(viewed, k, strategy, wanted)
        elif user_id is None:
            items = service.recommend(None, k, strategy, wanted)
        else:
            items = service.recommend_for(user_id, k, strategy, wanted)
    except UnknownShopper:
        raise ApiError(404, "not_found", f"There is no user {user_id!r}.", "user_id") from None
    except UnknownStrategy:
        raise bad("strategy", f"strategy must be one of {', '.join(service.strategy_names())}") from None
    list_id = metrics.served([item.product_id for item in items], strategy, user_id, "api", assignment)
    return jsonify({"user_id": user_id, "strategy": strategy, "k": k, "offset": offset, "list_id": list_id,
                    "variant": assignment.variant if assignment else None,
                    "items": _recommendations_json(items, list_id)})


@blueprint.post("/recommendations/<list_id>/clicks")
def recommendation_click(list_id: str):
    """A click on a product of a served list, for clients that show products in their own pages."""
    caller = require_api_caller()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise bad("body", "Send a JSON object: {\"product_id\": \"...\"}.")
    _only_fields(body, ("product_id",), "")
    product_id = check_id_value(body.get("product_id"), "product_id")
    if not online_metrics.LIST_ID.match(list_id):
        raise ApiError(404, "not_found", f"There is no recommendation list {list_id!r}.", "list_id")
    _existing_product(product_id)
    online_metrics.metrics().clicked(list_id, product_id, caller.user_id)
    return jsonify({"recorded": 1, "list_id": list_id, "product_id": product_id})


def _subject(caller: Caller, user_id: str | None) -> str | None:
    """Whose recommendations: a shopper only their own; a merchandiser anyone's (or a visitor's)."""
    if caller.role == "merchandiser":
        return user_id if user_id or caller.is_token else caller.user_id
    if caller.is_token:
        raise ApiError(403, "forbidden", "Recommendations for a user need a merchandiser token.", "user_id")
    if user_id not in (None, caller.user_id):
        raise ApiError(403, "forbidden", "You can only see your own recommendations.", "user_id")
    return caller.user_id


# -- feedback ------------------------------------------------------------------------------------
#: The fields of an event and of a batch; any other is a 400, as the OpenAPI document says.
EVENT_FIELDS = ("product_id", "type", "value", "user_id")
BATCH_FIELDS = ("events",)
_VALUE_TYPES = ("rate", "cart", "purchase")


@blueprint.post("/events")
def events():
    """One event or (with a token) a batch; with an Idempotency-Key, written once however often it is sent."""
    caller = require_api_caller()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise bad("body", "Send a JSON object: an event, or {\"events\": [...]} with an API token.")
    work, shoppers, alone = _batch_work(caller, body) if "events" in body else _event_work(caller, body)
    try:
        outcome = idempotency.api_write_once(f"events:{caller.token_id or caller.user_id}", body, work, alone)
    except _NothingWritten as missing:
        # Which of the two is unknown is read only now: a known shopper and product cost the write alone.
        _require_known([missing.user_id], [missing.product_id])
        raise ApiError(404, "not_found", f"There is no product {missing.product_id!r}.", "product_id") from None
    if not outcome.replayed:
        for user_id in shoppers:
            recommender.forget(user_id)
    return jsonify(outcome.body), outcome.status, idempotency.replay_headers(outcome)


#: A write done on its own rather than in the caller's transaction (``idempotency.write_once``'s ``alone``).
_Alone = Callable[[Graph], tuple[int, dict[str, Any]]]


class _NothingWritten(Exception):
    """One event's write matched no shopper or product; the transaction, its Idempotency-Key with it, rolls back."""

    def __init__(self, user_id: str, product_id: str) -> None:
        super().__init__(user_id, product_id)
        self.user_id, self.product_id = user_id, product_id


def _event_work(caller: Caller, body: dict[str, Any]) -> tuple[idempotency.Work, list[str], _Alone]:
    """The write of one event, in the caller's transaction and on its own; and whose recommendations it changes.
    Nothing is read first: the write itself finds the shopper and the product, and says when it found neither
    (``_NothingWritten``)."""
    user_id, event = _checked_event(caller, body, "")

    def answer(result: dict[str, Any] | None) -> tuple[int, dict[str, Any]]:
        if result is None:
            raise _NothingWritten(user_id, event.product_id)
        return 200, {"recorded": 1, "user_id": user_id, "type": event.type, "product_id": event.product_id,
                     "value": event.value, "result": _iso(result)}

    return (lambda tx: answer(record_tx(tx, user_id, event)), [user_id],
            lambda graph: answer(record_alone(graph, user_id, event)))


def _only_fields(item: dict[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
    unknown = sorted(set(item) - set(allowed))
    if unknown:
        raise bad(f"{prefix}{unknown[0]}", f"Unknown field {unknown[0]!r}; send only {', '.join(allowed)}.")


def _checked_event(caller: Caller, item: Any, prefix: str) -> tuple[str, Event]:
    if not isinstance(item, dict):
        raise bad(prefix.rstrip(".") or "body", "An event is a JSON object with product_id and type.")
    _only_fields(item, EVENT_FIELDS, prefix)
    value = item.get("value")
    # JSON numbers only: the shop's forms send text, but the document promises an integer.
    if item.get("type") in _VALUE_TYPES and value is not None and (type(value) is not int):
        raise bad(f"{prefix}value", "value must be a whole number")
    try:
        event = parse_event(item.get("type"), item.get("product_id"), value, prefix)
    except InvalidEvent as error:
        raise bad(error.field, error.message) from None
    user_id = item.get("user_id")
    if caller.is_token:
        if user_id is None:
            # A token acts for no shopper, so it may not record an event that names none.
            raise ApiError(403, "forbidden", "With an API token each event names its user_id.",
                           f"{prefix}user_id")
        return check_id_value(user_id, f"{prefix}user_id"), event
    if caller.user_id is None:  # api_caller names the signed-in user of every caller without a token
        raise RuntimeError("an API caller is either a token or a signed-in user")
    if user_id is not None:
        check_id_value(user_id, f"{prefix}user_id")
    if user_id not in (None, caller.user_id):
        raise ApiError(403, "forbidden", "You can only record your own feedback.", f"{prefix}user_id")
    return caller.user_id, event


def _require_known(user_ids: list[str] | None, product_ids: list[str], fields: dict[str, str] | None = None) -> None:
    fields = fields or {}
    existing = Catalog(graph()).existing(product_ids)
    for product_id in product_ids:
        if product_id not in existing:
            raise ApiError(404, "not_found", f"There is no product {product_id!r}.",
                           fields.get(f"p:{product_id}", "product_id"))
    if user_ids:
        known = Feedback(graph()).known_users(user_ids)
        for user_id in user_ids:
            if user_id not in known:
                raise ApiError(404, "not_found", f"There is no user {user_id!r}.",
                               fields.get(f"u:{user_id}", "user_id"))


def _batch_work(caller: Caller, body: dict[str, Any]) -> tuple[idempotency.Work, list[str], None]:
    if not caller.is_token:
        raise ApiError(403, "forbidden", "Batches of events need an API token; send single events instead.",
                       "events")
    _only_fields(body, BATCH_FIELDS, "")
    items = body["events"]
    if not isinstance(items, list) or not items:
        raise bad("events", "events must be a non-empty list of events")
    if len(items) > MAX_BATCH:
        raise bad("events", f"Send at most {MAX_BATCH} events per batch")
    checked = [_checked_event(caller, item, f"events[{i}].") for i, item in enumerate(items)]
    fields: dict[str, str] = {}
    for i, (user_id, event) in enumerate(checked):
        fields.setdefault(f"p:{event.product_id}", f"events[{i}].product_id")
        fields.setdefault(f"u:{user_id}", f"events[{i}].user_id")
    # Everything is checked before anything is written, and the batch is one transaction.
    _require_known([user_id for user_id, _ in checked], [event.product_id for _, event in checked], fields)

    def work(tx) -> tuple[int, dict[str, Any]]:
        results = record_many_tx(tx, checked)
        return 200, {"recorded": len(checked),
                     "results": [{"user_id": u, "type": e.type, "product_id": e.product_id, "result": _iso(r)}
                                 for (u, e), r in zip(checked, results, strict=True)]}

    return work, list(dict.fromkeys(user_id for user_id, _ in checked)), None


def _iso(value: Any) -> Any:
    """Datetimes as ISO 8601 text (Flask would write them as HTTP dates)."""
    if isinstance(value, dict):
        return {key: _iso(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_iso(item) for item in value]
    return value.isoformat() if isinstance(value, (datetime, date)) else value


CLICK_PATHS: dict[str, dict[str, Any]] = {
    "/recommendations/{list_id}/clicks": {
        "post": {
            "operationId": "recordRecommendationClick",
            "summary": "Records a click on a product of a served recommendation list (its list_id), for clients "
                       "that show products in their own pages; the shop's own links carry ?rec=<list_id> instead.",
            "tags": ["recommendations"], "security": [{"bearerToken": []}, {"sessionCookie": []}],
            "parameters": [{"name": "list_id", "in": "path", "required": True,
                            "description": "The list_id of a /recommendations answer.",
                            "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["product_id"], "additionalProperties": False,
                "properties": {"product_id": openapi.ID_SCHEMA}}}}},
            "responses": {
                "200": {"description": "Recorded (written within a second).", "content": {"application/json": {
                    "schema": {"type": "object", "properties": {"recorded": {"type": "integer"},
                                                                "list_id": {"type": "string"},
                                                                "product_id": {"type": "string"}}}}}},
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "503": {"$ref": "#/components/responses/Unavailable"},
            },
        }
    }
}
