"""The OpenAPI 3 document of /api/v1, served at /api/v1/openapi.json.

Written by hand, next to the code it describes; ``tests/webapp/test_openapi.py`` walks the app's URL
map and fails when a route and this document disagree. Other blueprints that add routes under
/api/v1 (e.g. the merchandiser's rules) describe them with ``contribute(app, paths)``.
"""
from __future__ import annotations

from copy import deepcopy
from typing import Any

from flask import Flask

from shopgraph.graph.cart import MAX_CART_QUANTITY, MAX_ORDER_QUANTITY
from shopgraph.graph.catalog import SORTS
from shopgraph.graph.events import EVENT_TYPES, MAX_ID_LENGTH, NOT_BLANK
from shopgraph.models.serving import DEFAULT_STRATEGY, MAX_OFFSET, MAX_VIEWED, STRATEGIES
from shopgraph.models.vocabulary import EVIDENCE_KINDS
from shopgraph.webapp import idempotency
from shopgraph.webapp import write_bodies as limits

API_PREFIX = "/api/v1"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{name}"}


def _ok(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _query(name: str, description: str, schema: dict[str, Any], required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


def _path(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string", "maxLength": 100}}


#: An id given as text: not blank (whitespace alone is refused), at most MAX_ID_LENGTH characters.
ID_SCHEMA = _ID = {"type": "string", "minLength": 1, "maxLength": MAX_ID_LENGTH, "pattern": NOT_BLANK}

_IDEMPOTENCY_KEY = {
    "name": idempotency.HEADER, "in": "header", "required": False,
    "description": "Makes the write safe to retry: the same key with the same body gives the first answer again "
                   "(same status and JSON, with the header Idempotent-Replayed: true) and writes nothing more; the "
                   "same key with a different body is a 409 (code idempotency_key_reused). Keys belong to the caller "
                   "and are kept 24 hours. A UUID per logical write is the usual choice. The shop's POST /checkout "
                   "takes the same header.",
    "schema": {"type": "string", "pattern": idempotency.KEY_PATTERN, "minLength": 1,
               "maxLength": idempotency.MAX_KEY_LENGTH},
}

_PAGE = _query("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "maximum": 10000, "default": 1})
_PER_PAGE = _query("per_page", "Items per page.", {"type": "integer", "minimum": 1, "maximum": 100, "default": 24})
_K = _query("k", "How many items.", {"type": "integer", "minimum": 1, "maximum": 100, "default": 10})
_PRODUCT_ID = _path("product_id", "The product's id (e.g. a stock code).")
#: Path ids of the writes: what check_id accepts, so a blank id is refused as the document says.
_ID_PATH = {"type": "string", "minLength": 1, "maxLength": MAX_ID_LENGTH, "pattern": NOT_BLANK}
_NEW_PRODUCT_ID = {**_PRODUCT_ID, "schema": _ID_PATH}
_SHOPPER_ID = {"name": "user_id", "in": "path", "required": True, "schema": _ID_PATH,
               "description": "The shopper's id in the integrator's system (e.g. a customer number)."}
_WRITERS = "An integration token, a merchandiser token or a merchandiser's session (with X-CSRFToken) may call it."
_NO_CONTENT = {"description": "Done (or nothing to do: the same answer however often it is sent)."}

_SESSION_OR_TOKEN: list[dict[str, list[str]]] = [{"bearerToken": []}, {"sessionCookie": []}]

_PATHS: dict[str, dict[str, Any]] = {
    "/health": {
        "get": {
            "operationId": "health", "summary": "Whether the API and its Neo4j database answer.",
            "tags": ["service"], "security": [],
            "responses": {"200": _ok("Up.", "Health"), "503": _error("Unavailable")},
        }
    },
    "/health/live": {
        "get": {
            "operationId": "healthLive",
            "summary": "Liveness: the process answers requests. Asks nothing of Neo4j or the model, so a database "
                       "outage never gets a healthy process restarted.",
            "tags": ["service"], "security": [],
            "responses": {"200": _ok("Alive.", "Liveness")},
        }
    },
    "/health/ready": {
        "get": {
            "operationId": "healthReady",
            "summary": "Readiness: Neo4j answers and a trained model is loaded, with the model's version. Send "
                       "shoppers to a server only while it is ready.",
            "tags": ["service"], "security": [],
            "responses": {
                "200": _ok("Ready.", "Readiness"),
                "503": {"description": "Not ready (code not_ready): neo4j says whether the database answers, model "
                                       "is null while no trained version is loaded.",
                        "headers": {"Retry-After": {"description": "Seconds to wait before asking again.",
                                                    "schema": {"type": "integer", "minimum": 0}}},
                        "content": {"application/json": {"schema": {
                            "allOf": [_ref("Error"), _ref("Readiness")]}}}},
            },
        }
    },
    "/openapi.json": {
        "get": {
            "operationId": "openapi", "summary": "This document.", "tags": ["service"], "security": [],
            "responses": {"200": {"description": "The OpenAPI 3 document.",
                                  "content": {"application/json": {"schema": {"type": "object"}}}}},
        }
    },
    "/products": {
        "get": {
            "operationId": "listProducts", "summary": "A page of the catalogue, optionally of one category.",
            "tags": ["catalogue"], "security": [],
            "parameters": [
                _PAGE, _PER_PAGE,
                _query("category", "Only products in this category or below it (a category id).", _ID),
                _query("sort", "The order.", {"type": "string", "enum": list(SORTS), "default": "popular"}),
            ],
            "responses": {"200": _ok("A page of products.", "ProductPage"), "400": _error("BadRequest"),
                          "404": _error("NotFound"), "503": _error("Unavailable")},
        }
    },
    "/products/{product_id}": {
        "get": {
            "operationId": "getProduct", "summary": "One product, with its description, categories and tags.",
            "tags": ["catalogue"], "security": [], "parameters": [_PRODUCT_ID],
            "responses": {"200": _ok("The product.", "Product"), "404": _error("NotFound"),
                          "503": _error("Unavailable")},
        },
        "put": {
            "operationId": "putProduct",
            "summary": "Creates or replaces a product: name, description, price, currency, image, categories, "
                       "brand and tags (its ratings and sales are kept). It is in the catalogue, search and the "
                       "content candidates of every list at once, with no retraining. The same call again gives "
                       "the same answer. " + _WRITERS,
            "tags": ["catalogue"], "security": _SESSION_OR_TOKEN, "parameters": [_NEW_PRODUCT_ID],
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("ProductInput")}}},
            "responses": {"200": _ok("The product as stored, as GET shows it.", "Product"),
                          "400": _error("BadRequest"), "401": _error("Unauthorized"), "403": _error("Forbidden"),
                          "404": _error("NotFound"), "503": _error("Unavailable")},
        },
        "delete": {
            "operationId": "deleteProduct",
            "summary": "Takes a product out of the shop: the catalogue, search, carts and every recommendation "
                       "list leave it at once (shelves of other server processes within two minutes). Past orders "
                       "keep their lines. 204 whether or not there was such a product. " + _WRITERS,
            "tags": ["catalogue"], "security": _SESSION_OR_TOKEN, "parameters": [_NEW_PRODUCT_ID],
            "responses": {"204": _NO_CONTENT, "400": _error("BadRequest"), "401": _error("Unauthorized"),
                          "403": _error("Forbidden"), "503": _error("Unavailable")},
        },
    },
    "/products/{product_id}/similar": {
        "get": {
            "operationId": "similarProducts", "summary": "Products like this one, each with its reason.",
            "tags": ["recommendations"], "security": [], "parameters": [_PRODUCT_ID, _K],
            "responses": {"200": _ok("Similar products.", "RelatedProducts"), "400": _error("BadRequest"),
                          "404": _error("NotFound"), "503": _error("Unavailable")},
        }
    },
    "/products/{product_id}/bought-together": {
        "get": {
            "operationId": "boughtTogether", "summary": "Products bought in the same baskets as this one.",
            "tags": ["recommendations"], "security": [], "parameters": [_PRODUCT_ID, _K],
            "responses": {"200": _ok("Products bought together.", "RelatedProducts"), "400": _error("BadRequest"),
                          "404": _error("NotFound"), "503": _error("Unavailable")},
        }
    },
    "/search": {
        "get": {
            "operationId": "searchProducts",
            "summary": "Full-text product search, best match first, tolerant of small typos.",
            "tags": ["catalogue"], "security": [],
            "parameters": [
                _query("q", "The words to look for; any text is accepted (no query syntax).",
                       {"type": "string", "maxLength": 200}),
                _PAGE, _PER_PAGE,
            ],
            "responses": {"200": _ok("A page of matches.", "SearchPage"), "400": _error("BadRequest"),
                          "503": _error("Unavailable")},
        }
    },
    "/recommendations": {
        "get": {
            "operationId": "recommendations",
            "summary": "Recommendations for the signed-in shopper, or for any user with a merchandiser token.",
            "tags": ["recommendations"], "security": _SESSION_OR_TOKEN,
            "parameters": [
                _query("user_id", "Whose recommendations. A shopper may give only their own id; a merchandiser "
                                  "any (a merchandiser token without it gets a visitor's list).", _ID),
                _K,
                _query("strategy", "Which recommender: a built-in strategy, or a strategy file of the shop "
                                   "(cypher/strategies/NAME.cypher). With viewed, content or collaborative follows "
                                   "only that generator's neighbours, any other both.",
                       {"type": "string", "enum": list(STRATEGIES), "default": DEFAULT_STRATEGY}),
                _query("offset", f"Paging: the items offset..offset+k-1 of the same ranking (at most {MAX_OFFSET}).",
                       {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0}),
                _query("category", "Only products in this category or a category below it (a category id; 404 "
                                   "for an unknown one). Applied before the list is cut to k; a list short of the "
                                   "category is topped up with its most popular products.", _ID),
                {**_query("exclude", "Products to leave out: repeat the argument, one product id each time "
                                     "(?exclude=A&exclude=B), at most 100. Unknown ids change nothing.",
                          {"type": "array", "maxItems": 100, "items": _ID}), "style": "form", "explode": True},
                {**_query("viewed", "A visitor's list from the products they viewed, newest first: repeat the "
                                    f"argument, one product id each time, at most {MAX_VIEWED}. Answers their "
                                    "content and collaborative neighbours, each item's because naming the viewed "
                                    "product; the viewed products are left out, ids naming no product are ignored, "
                                    "and nothing is written per request. Any caller may ask; not with user_id.",
                          {"type": "array", "maxItems": MAX_VIEWED, "items": _ID}), "style": "form",
                 "explode": True},
            ],
            "responses": {"200": _ok("Recommended products, best first.", "Recommendations"),
                          "400": _error("BadRequest"), "401": _error("Unauthorized"), "403": _error("Forbidden"),
                          "404": _error("NotFound"), "503": _error("Unavailable")},
        }
    },
    "/shoppers/{user_id}": {
        "put": {
            "operationId": "putShopper",
            "summary": "Creates or replaces a shopper's name and email (no password over the API: such a shopper "
                       "signs in only after setting one in the shop). Other details are kept. The same call again "
                       "gives the same answer. " + _WRITERS,
            "tags": ["shoppers"], "security": _SESSION_OR_TOKEN, "parameters": [_SHOPPER_ID],
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("ShopperInput")}}},
            "responses": {"200": _ok("The shopper as stored.", "Shopper"), "400": _error("BadRequest"),
                          "401": _error("Unauthorized"), "403": _error("Forbidden"),
                          "409": _error("Conflict"), "503": _error("Unavailable")},
        },
        "delete": {
            "operationId": "deleteShopper",
            "summary": "Erases a shopper: their account, name, email, password, stored and cached lists, views, "
                       "likes, dislikes, cart and ratings (taken off the products' averages) go at once. Their "
                       "orders stay, with every line, but name nobody; logged lists and clicks are anonymised. "
                       "204 whether or not there was such a shopper. " + _WRITERS,
            "tags": ["shoppers"], "security": _SESSION_OR_TOKEN, "parameters": [_SHOPPER_ID],
            "responses": {"204": _NO_CONTENT, "400": _error("BadRequest"), "401": _error("Unauthorized"),
                          "403": _error("Forbidden"), "409": _error("Conflict"), "503": _error("Unavailable")},
        },
    },
    "/events": {
        "post": {
            "operationId": "recordEvents",
            "summary": "Records feedback: one event for the signed-in shopper (send X-CSRFToken), or with an API "
                       "token one event or a batch, each naming its user_id (403 without it). A batch is written "
                       "whole or not at all. Send an Idempotency-Key to retry safely: a purchase event sent twice "
                       "without a key places two orders, with one key exactly one.",
            "tags": ["feedback"], "security": _SESSION_OR_TOKEN,
            "parameters": [{"name": "X-CSRFToken", "in": "header", "required": False,
                            "description": "The page's csrf-token; required with a session cookie, not with a "
                                           "bearer token.", "schema": {"type": "string"}},
                           _IDEMPOTENCY_KEY],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "oneOf": [_ref("Event"), _ref("EventBatch")]}}}},
            "responses": {"200": {**_ok("What was recorded (or, for a repeated Idempotency-Key, what was recorded "
                                        "the first time).", "Recorded"),
                                  "headers": {"Idempotent-Replayed": {
                                      "description": "true when the answer is the stored one of an earlier request "
                                                     "with the same Idempotency-Key.",
                                      "schema": {"type": "string", "enum": ["true"]}}}},
                          "400": _error("BadRequest"),
                          "401": _error("Unauthorized"), "403": _error("Forbidden"), "404": _error("NotFound"),
                          "409": _error("KeyReused"), "429": _error("TooManyRequests"),
                          "503": _error("Unavailable")},
        }
    },
}

_PRODUCT_PROPERTIES = {
    "id": {"type": "string"},
    "name": {"type": "string"},
    "price": {"type": "number", "nullable": True},
    "currency": {"type": "string", "pattern": "^[A-Z]{3}$", "example": "USD",
                 "description": "The ISO 4217 code of the price: the product's own currency, or the shop's "
                                "(GBP unless configured) when its data named none."},
    "imageUrl": {"type": "string", "nullable": True},
    "brand": {"type": "string", "nullable": True},
    "avgRating": {"type": "number", "nullable": True, "minimum": 1, "maximum": 5},
    "ratingCount": {"type": "integer"},
    "url": {"type": "string", "description": "The product's page in the shop."},
}

def _event(types: list[str], value: dict[str, Any], value_required: bool = False) -> dict[str, Any]:
    """An event of some ``types``, its ``value`` as they take it."""
    assert set(types) <= set(EVENT_TYPES)
    return {"type": "object", "additionalProperties": False,
            "required": ["product_id", "type", *(["value"] if value_required else [])],
            "properties": {
                "product_id": _ID,
                "type": {"type": "string", "enum": types},
                "value": value,
                "user_id": {**_ID, "description": "Required with an API token (a 403 without it); with a session, "
                                                  "only the shopper's own id."},
            }}


_SCHEMAS: dict[str, Any] = {
    "Health": {"type": "object", "properties": {"status": {"type": "string"}, "neo4j": {"type": "string"}}},
    "Liveness": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string",
                                                                                      "enum": ["alive"]}}},
    "Readiness": {"type": "object", "required": ["status", "neo4j", "model"], "properties": {
        "status": {"type": "string", "enum": ["ready", "not_ready"]},
        "neo4j": {"type": "string", "enum": ["up", "down"]},
        "model": {"type": "object", "nullable": True, "description": "The trained version served; null when none.",
                  "required": ["version"], "properties": {
                      "version": {"type": "string", "example": "20261201T044933Z"},
                      "created": {"type": "string", "nullable": True, "description": "When it was trained (UTC)."}}},
    }},
    "ProductCard": {"type": "object", "required": ["id", "name"], "properties": _PRODUCT_PROPERTIES},
    "Product": {"allOf": [_ref("ProductCard"), {"type": "object", "properties": {
        "description": {"type": "string", "nullable": True},
        "categories": {"type": "array", "description": "Root first.", "items": {
            "type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}},
        "tags": {"type": "array", "items": {"type": "string"}},
    }}]},
    "ProductPage": {"type": "object", "properties": {
        "items": {"type": "array", "items": _ref("ProductCard")},
        "page": {"type": "integer"}, "per_page": {"type": "integer"}, "total": {"type": "integer"},
        "pages": {"type": "integer"},
    }},
    "SearchPage": {"allOf": [_ref("ProductPage"), {"type": "object", "properties": {
        "q": {"type": "string"}, "words": {"type": "array", "items": {"type": "string"},
                                           "description": "The words searched for (for highlighting)."},
    }}]},
    "Because": {"type": "object", "required": ["kind"], "description": "Evidence for a recommendation, e.g. "
                "{\"kind\": \"bought_with\", \"product\": \"22423\"} (the shoppers of 22423 took this too; "
                "\"rated_with\" when they mostly rated 22423 rather than bought it, as in a shop of ratings) or "
                "{\"kind\": \"trending\"}.",
                "properties": {"kind": {"type": "string", "enum": list(EVIDENCE_KINDS)}}, "additionalProperties": True},
    "Recommendation": {"type": "object", "properties": {
        "product_id": {"type": "string"}, "score": {"type": "number"},
        "because": {"type": "array", "items": _ref("Because")},
        "reason": {"type": "string", "description": "The evidence in words, e.g. \"Bought with Red Mug\"."},
        "product": _ref("ProductCard"),
    }},
    "Recommendations": {"type": "object", "properties": {
        "user_id": {"type": "string", "nullable": True}, "strategy": {"type": "string"}, "k": {"type": "integer"},
        "offset": {"type": "integer", "description": "Where in the ranking items starts."},
        "list_id": {"type": "string", "nullable": True, "description": "This list's id: product urls carry it as "
                    "?rec=, and POST /recommendations/{list_id}/clicks records a click on it."},
        "variant": {"type": "string", "nullable": True, "description": "A or B while an A/B test runs and no "
                    "strategy was asked for."},
        "items": {"type": "array", "items": _ref("Recommendation")},
    }},
    "RelatedProducts": {"type": "object", "properties": {
        "product_id": {"type": "string"}, "items": {"type": "array", "items": _ref("Recommendation")},
    }},
    "Event": {"description": "One event. Which value it takes depends on its type; other fields are refused.",
              "oneOf": [_ref("PlainEvent"), _ref("RatingEvent"), _ref("CartEvent"), _ref("PurchaseEvent")]},
    "PlainEvent": {**_event(["view", "unrate", "like", "unlike", "dislike", "undislike", "uncart"],
                            {"description": "Ignored for these types."}),
                   "example": {"user_id": "17850", "product_id": "85123A", "type": "like"}},
    "RatingEvent": _event(["rate"], {"type": "integer", "minimum": 1, "maximum": 5, "description": "The rating."},
                          value_required=True),
    "CartEvent": _event(["cart"], {"type": "integer", "minimum": 1, "maximum": MAX_CART_QUANTITY, "nullable": True,
                                   "description": "How many to add; 1 when absent."}),
    "PurchaseEvent": _event(["purchase"], {"type": "integer", "minimum": 1, "maximum": MAX_ORDER_QUANTITY,
                                           "nullable": True, "description": "How many to buy; 1 when absent."}),
    "EventBatch": {"type": "object", "required": ["events"], "additionalProperties": False, "properties": {
        "events": {"type": "array", "minItems": 1, "maxItems": 1000, "items": _ref("Event")},
    }},
    "Recorded": {"type": "object", "properties": {
        "recorded": {"type": "integer"},
        "result": {"type": "object", "description": "What changed, for a single event (e.g. avgRating)."},
        "results": {"type": "array", "items": {"type": "object"}, "description": "Per event, for a batch."},
    }},
    "ProductInput": {
        "type": "object", "required": ["name"], "additionalProperties": False,
        "example": {"name": "Red Enamel Mug", "description": "A red enamel camping mug.", "price": 6.5,
                    "currency": "GBP", "imageUrl": "https://img.example.com/red-mug.jpg", "brand": "Pantry",
                    "categories": ["mugs"], "tags": ["enamel", "camping"]},
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": limits.MAX_NAME, "pattern": NOT_BLANK},
            "description": {"type": "string", "maxLength": limits.MAX_DESCRIPTION, "nullable": True},
            "price": {"type": "number", "minimum": 0, "maximum": limits.MAX_PRICE, "nullable": True},
            "currency": {"type": "string", "pattern": limits.CURRENCY_PATTERN, "nullable": True,
                         "description": "ISO 4217; null: the shop's currency."},
            "imageUrl": {"type": "string", "pattern": limits.URL_PATTERN, "maxLength": limits.MAX_URL,
                         "nullable": True},
            "brand": {"type": "string", "minLength": 1, "maxLength": limits.MAX_NAME, "pattern": NOT_BLANK,
                      "nullable": True},
            "categories": {"type": "array", "maxItems": limits.MAX_CATEGORIES, "items": _ID,
                           "description": "Ids of existing categories (404 naming categories[i] for one that is "
                                          "not); the product is listed in each and in those above them."},
            "tags": {"type": "array", "maxItems": limits.MAX_TAGS,
                     "items": {"type": "string", "minLength": 1, "maxLength": limits.MAX_TAG, "pattern": NOT_BLANK}},
        },
    },
    "ShopperInput": {
        "type": "object", "required": ["name"], "additionalProperties": False,
        "example": {"name": "Ann Smith", "email": "ann@example.com"},
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": limits.MAX_NAME, "pattern": NOT_BLANK},
            "email": {"type": "string", "pattern": limits.EMAIL_PATTERN, "maxLength": limits.MAX_EMAIL,
                      "nullable": True, "description": "Unique across accounts (409 email_taken), kept lower-case."},
        },
    },
    "Shopper": {"type": "object", "required": ["id", "name"], "properties": {
        "id": {"type": "string"}, "name": {"type": "string"}, "email": {"type": "string", "nullable": True},
        "canSignIn": {"type": "boolean", "description": "Whether the shopper has set a password in the shop."},
        "createdAt": {"type": "string", "nullable": True},
    }},
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string"}, "message": {"type": "string"},
            "field": {"type": "string", "description": "The parameter or body field at fault, e.g. events[2].type."},
            "request_id": {"type": "string", "description": "The request's id, as in the X-Request-ID response "
                                                            "header; quote it when reporting a problem."},
        }}}},
}


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


_RESPONSES = {
    "BadRequest": _error_response("Bad input; error.field names the parameter or field (code invalid_parameter, "
                                  "or csrf_failed when a session write lacks X-CSRFToken)."),
    "Unauthorized": _error_response("No caller: sign in or send 'Authorization: Bearer <token>' (codes "
                                    "unauthorized, invalid_token)."),
    "Forbidden": _error_response("The caller may not do this (another shopper's data, a role too low)."),
    "NotFound": _error_response("An unknown product, category or user; error.field names which."),
    "Unavailable": {**_error_response("The graph database is unreachable or busy (code graph_unavailable), or did "
                                      "not confirm a write without an Idempotency-Key (code outcome_unknown: it may "
                                      "or may not be recorded)."),
                    "headers": {"Retry-After": {"description": "Seconds to wait before trying again.",
                                                "schema": {"type": "integer", "minimum": 0}}}},
    "Conflict": _error_response("The email address is another account's (code email_taken), or the id is an "
                                "account that is not a shopper's (code not_a_shopper)."),
    "KeyReused": _error_response("The Idempotency-Key was used before with a different body (code "
                                 "idempotency_key_reused)."),
    "TooManyRequests": {**_error_response("Too many requests from this client (code too_many_requests); retry after "
                                          "the seconds Retry-After gives."),
                        "headers": {"Retry-After": {"description": "Seconds to wait before trying again.",
                                                    "schema": {"type": "integer", "minimum": 0}}}},
    "TooLarge": _error_response("The request body is larger than the shop accepts (1 MiB unless configured; code "
                                "request_entity_too_large)."),
    "UriTooLong": _error_response("The URL is longer than the shop accepts (4000 bytes unless configured; code "
                                  "request_uri_too_long)."),
}


def _with_common_errors(paths: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every operation may be refused for its URL's length (414), and one with a body for its size (413)."""
    paths = deepcopy(paths)
    for item in paths.values():
        for operation in item.values():
            responses = operation["responses"]
            responses.setdefault("414", _error("UriTooLong"))
            if "requestBody" in operation:
                responses.setdefault("413", _error("TooLarge"))
    return paths


def contribute(app: Flask, paths: dict[str, dict[str, Any]]) -> None:
    """Adds the description of routes another blueprint serves under /api/v1 (paths relative to it)."""
    app.extensions.setdefault("openapi_paths", {}).update(paths)


def _with_strategy_files(app: Flask, paths: dict[str, Any]) -> dict[str, Any]:
    """The paths with the recommendations' strategies those the shop serves now: strategy files come and go
    without a restart."""
    holder = app.extensions.get("recommender")
    if holder is None:
        return paths
    operation = deepcopy(paths["/recommendations"])
    for parameter in operation["get"]["parameters"]:
        if parameter["name"] == "strategy":
            parameter["schema"]["enum"] = list(holder.get().strategy_names())
    return {**paths, "/recommendations": operation}


def document(app: Flask) -> dict[str, Any]:
    paths = _with_strategy_files(app, {**_PATHS, **app.extensions.get("openapi_paths", {})})
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "ShopGraph API",
            "version": "1.0.0",
            "description": "The shop's catalogue, search, recommendations with their reasons, and feedback. "
                           "Errors are {\"error\": {\"code\", \"message\", \"field\"}}. Query arguments are "
                           "given once each. Writes (POST /events here, POST /checkout in the shop) take an "
                           "Idempotency-Key header for safe retries. Every response carries an X-Request-ID header "
                           "(the request's own when it sent a well-formed one: 1-128 letters, digits, '-', '_', '.' "
                           "or ':'), and error bodies carry it as error.request_id.",
        },
        "servers": [{"url": API_PREFIX}],
        "paths": _with_common_errors(paths),
        "components": {
            "schemas": deepcopy(_SCHEMAS),
            "responses": deepcopy(_RESPONSES),
            "securitySchemes": {
                "bearerToken": {"type": "http", "scheme": "bearer",
                                "description": "From `shopgraph token create --role merchandiser|integration`."},
                "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session",
                                  "description": "The shop's sign-in session; writes also need X-CSRFToken."},
            },
        },
    }
