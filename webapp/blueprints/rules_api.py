"""Merchandiser rules over JSON at /api/v1/rules: list, create, read, switch on or off, delete.

Every route needs the merchandiser role: a merchandiser token (``Authorization: Bearer``) or a merchandiser's
signed-in session (writes then send ``X-CSRFToken``). Bad rules are a 400 naming the field (``kind``,
``target_type``, ``target_id``, ``weight``, ``starts_at``, ``ends_at``, ``note``, ``active``); a target that
does not exist is a 404 naming ``target_id``. A change applies to the shop's lists at once in this process
and within a few minutes in every other.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask import Blueprint, Flask, jsonify, request
from flask.blueprints import BlueprintSetupState

from shopgraph.graph.events import NOT_BLANK
from shopgraph.graph.rules import (
    DEFAULT_WEIGHTS,
    KINDS,
    MAX_NOTE_LENGTH,
    MAX_TARGET_LENGTH,
    MAX_WEIGHT,
    TARGET_TYPES,
    InvalidRule,
    Rules,
    UnknownTarget,
    check_rule,
)
from shopgraph.webapp import merchandising, openapi
from shopgraph.webapp.errors import ApiError
from shopgraph.webapp.neo4j_ext import graph
from shopgraph.webapp.security import require_api_caller

blueprint = Blueprint("rules_api", __name__)
blueprint.record_once(lambda state: merchandising.init_app(_flask_app(state)))
blueprint.record_once(lambda state: openapi.contribute(_flask_app(state), OPENAPI_PATHS))

#: The shape of starts_at and ends_at: a date, optionally with a time and a zone (check_rule reads the calendar).
MOMENT_PATTERN = (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
                  r"([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$")
_MOMENT = re.compile(MOMENT_PATTERN)

FIELDS = ("kind", "target_type", "target_id", "weight", "starts_at", "ends_at", "note")


def _json(rule: dict[str, Any]) -> dict[str, Any]:
    return {key: (value.isoformat() if isinstance(value, datetime) else value) for key, value in rule.items()}


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_parameter", "Send a JSON object.", "body")
    return body


def _existing(rule_id: str) -> dict[str, Any]:
    rule = Rules(graph()).get(rule_id)
    if rule is None:
        raise ApiError(404, "not_found", f"There is no rule {rule_id!r}.", "rule_id")
    return rule


@blueprint.get("")
def list_rules():
    require_api_caller("merchandiser")
    return jsonify({"rules": [_json(rule) for rule in Rules(graph()).all()]})


@blueprint.post("")
def create_rule():
    require_api_caller("merchandiser")
    body = _body()
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        raise ApiError(400, "invalid_parameter", f"Unknown field {unknown[0]!r}; a rule has {', '.join(FIELDS)}.",
                       unknown[0])
    _check_json_types(body)
    try:
        rule = Rules(graph()).create(check_rule(*(body.get(field) for field in FIELDS)))
    except UnknownTarget as error:
        raise ApiError(404, "not_found", error.message, error.field) from None
    except InvalidRule as error:
        raise ApiError(400, "invalid_parameter", error.message, error.field) from None
    merchandising.rules_changed()
    return jsonify(_json(rule))


#: JSON types of a new rule's fields (check_rule also takes the dashboard form's text): field -> (types, nullable).
_JSON_TYPES: dict[str, tuple[tuple[type, ...], bool]] = {
    "kind": ((str,), False), "target_type": ((str,), False), "target_id": ((str,), False),
    "weight": ((int, float), True), "starts_at": ((str,), True), "ends_at": ((str,), True), "note": ((str,), True),
}


def _check_json_types(body: dict[str, Any]) -> None:
    """A 400 for a field of the wrong JSON type, as the OpenAPI document states them (no numbers as text)."""
    for field, (types, nullable) in _JSON_TYPES.items():
        if field not in body or (body[field] is None and nullable):
            continue
        value = body[field]
        if isinstance(value, bool) or not isinstance(value, types):
            kind = "a number" if float in types else "text"
            raise ApiError(400, "invalid_parameter", f"{field} must be {kind}.", field)
        if isinstance(value, str) and field in ("starts_at", "ends_at") and not _MOMENT.match(value):
            raise ApiError(400, "invalid_parameter", f"{field} must be an ISO 8601 date or date-time.", field)


@blueprint.get("/<rule_id>")
def get_rule(rule_id: str):
    require_api_caller("merchandiser")
    return jsonify(_json(_existing(rule_id)))


@blueprint.patch("/<rule_id>")
def switch_rule(rule_id: str):
    """Only ``active`` changes; to change anything else, create a new rule and delete the old one."""
    require_api_caller("merchandiser")
    body = _body()
    if set(body) != {"active"} or not isinstance(body["active"], bool):
        raise ApiError(400, "invalid_parameter", "Send {\"active\": true} or {\"active\": false}; other fields "
                       "cannot change (create a new rule instead).", "active")
    _existing(rule_id)
    rule = Rules(graph()).set_active(rule_id, body["active"])
    if rule is None:  # deleted meanwhile
        raise ApiError(404, "not_found", f"There is no rule {rule_id!r}.", "rule_id")
    merchandising.rules_changed()
    return jsonify(_json(rule))


@blueprint.delete("/<rule_id>")
def delete_rule(rule_id: str):
    require_api_caller("merchandiser")
    if not Rules(graph()).delete(rule_id):
        raise ApiError(404, "not_found", f"There is no rule {rule_id!r}.", "rule_id")
    merchandising.rules_changed()
    return jsonify({"deleted": rule_id})


# -- the OpenAPI description of these routes ---------------------------------------------------------
def _error(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{name}"}


_RULE = {"type": "object", "properties": {
    "id": {"type": "string"}, "kind": {"type": "string", "enum": list(KINDS)},
    "weight": {"type": "number"}, "active": {"type": "boolean"},
    "starts_at": {"type": "string", "format": "date-time", "nullable": True},
    "ends_at": {"type": "string", "format": "date-time", "nullable": True},
    "created_at": {"type": "string", "format": "date-time"}, "note": {"type": "string", "nullable": True},
    "target": {"type": "object", "properties": {
        "type": {"type": "string", "enum": list(TARGET_TYPES), "nullable": True,
                 "description": "null when the target was deleted from the catalogue (the rule no longer applies)"},
        "id": {"type": "string", "nullable": True}, "name": {"type": "string", "nullable": True}}},
}}
_NEW_RULE = {"type": "object", "required": ["kind", "target_type", "target_id"], "properties": {
    "kind": {"type": "string", "enum": list(KINDS), "description": "pin: to the top; boost/bury: up/down by weight x "
             "the list's score range; exclude: never shown."},
    "target_type": {"type": "string", "enum": list(TARGET_TYPES),
                    "description": "A category covers every category below it."},
    "target_id": {"type": "string", "minLength": 1, "maxLength": MAX_TARGET_LENGTH, "pattern": NOT_BLANK,
                  "description": "A product id, a category id or a brand name (not blank)."},
    "weight": {"type": "number", "minimum": 0, "maximum": MAX_WEIGHT, "nullable": True,
               "description": f"Defaults: {DEFAULT_WEIGHTS}. For pins, the order among pins (higher first)."},
    "starts_at": {"type": "string", "nullable": True, "pattern": MOMENT_PATTERN,
                  "description": "ISO 8601 date or date-time (UTC when no zone), a real calendar day; optional."},
    "ends_at": {"type": "string", "nullable": True, "pattern": MOMENT_PATTERN,
                "description": "After starts_at (a 400 otherwise); optional."},
    "note": {"type": "string", "nullable": True, "maxLength": MAX_NOTE_LENGTH},
}, "additionalProperties": False,
    "example": {"kind": "boost", "target_type": "category", "target_id": "kitchen", "weight": 0.5}}
_RULE_ID = {"name": "rule_id", "in": "path", "required": True, "description": "The rule's id.",
            "schema": {"type": "string", "maxLength": 100}}
_MERCHANDISER: list[dict[str, list[str]]] = [{"bearerToken": []}, {"sessionCookie": []}]
_ERRORS = {"401": _error("Unauthorized"), "403": _error("Forbidden"), "503": _error("Unavailable")}


def _ok(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


OPENAPI_PATHS: dict[str, dict[str, Any]] = {
    "/rules": {
        "get": {"operationId": "listRules", "summary": "Every merchandiser rule, newest first (merchandisers only).",
                "tags": ["merchandising"], "security": _MERCHANDISER,
                "responses": {"200": _ok("The rules.", {"type": "object", "properties": {
                    "rules": {"type": "array", "items": _RULE}}}), **_ERRORS}},
        "post": {"operationId": "createRule",
                 "summary": "Creates a rule (switched on): pin, boost, bury or exclude a product, category or brand.",
                 "tags": ["merchandising"], "security": _MERCHANDISER,
                 "requestBody": {"required": True, "content": {"application/json": {"schema": _NEW_RULE}}},
                 "responses": {"200": _ok("The new rule.", _RULE), "400": _error("BadRequest"),
                               "404": _error("NotFound"), **_ERRORS}},
    },
    "/rules/{rule_id}": {
        "get": {"operationId": "getRule", "summary": "One rule.", "tags": ["merchandising"],
                "security": _MERCHANDISER, "parameters": [_RULE_ID],
                "responses": {"200": _ok("The rule.", _RULE), "404": _error("NotFound"), **_ERRORS}},
        "patch": {"operationId": "switchRule", "summary": "Switches a rule on or off ({\"active\": bool}).",
                  "tags": ["merchandising"], "security": _MERCHANDISER, "parameters": [_RULE_ID],
                  "requestBody": {"required": True, "content": {"application/json": {"schema": {
                      "type": "object", "required": ["active"], "properties": {"active": {"type": "boolean"}},
                      "additionalProperties": False}}}},
                  "responses": {"200": _ok("The rule.", _RULE), "400": _error("BadRequest"),
                                "404": _error("NotFound"), **_ERRORS}},
        "delete": {"operationId": "deleteRule", "summary": "Deletes a rule.", "tags": ["merchandising"],
                   "security": _MERCHANDISER, "parameters": [_RULE_ID],
                   "responses": {"200": _ok("Deleted.", {"type": "object", "properties": {
                       "deleted": {"type": "string"}}}), "404": _error("NotFound"), **_ERRORS}},
    },
}


def _flask_app(state: BlueprintSetupState) -> Flask:
    """The app this blueprint is registered on (typed as Flask's app base class in ``BlueprintSetupState``)."""
    if not isinstance(state.app, Flask):
        raise TypeError(f"the {state.blueprint.name} blueprint needs a Flask app, not a {type(state.app).__name__}")
    return state.app
