"""Query arguments of the JSON API, read exactly as the OpenAPI document describes them.

A documented argument is given at most once, except the lists (``exclude``, ``viewed``: repeat the argument, one
id each time); an integer is ASCII digits in its range (not ``1_0``, `` 5``
or empty); a choice is one of the listed values (empty is not one); an id is non-blank text of at most
``MAX_ID_LENGTH`` characters. Anything else is a 400 naming the argument. Arguments the document does not
name are ignored.
"""
from __future__ import annotations

import re

from flask import request

from shopgraph.graph.events import InvalidEvent, check_id
from shopgraph.webapp.errors import ApiError

_INTEGER = re.compile(r"-?[0-9]{1,9}")


def bad(field: str, message: str) -> ApiError:
    return ApiError(400, "invalid_parameter", message, field)


def single(name: str) -> str | None:
    """The argument's one value, None when absent; a 400 when it is given more than once."""
    values = request.args.getlist(name)
    if len(values) > 1:
        raise bad(name, f"Give {name} once, not {len(values)} times.")
    return values[0] if values else None


def int_arg(name: str, default: int, low: int, high: int) -> int:
    text = single(name)
    if text is None:
        return default
    if not _INTEGER.fullmatch(text) or not low <= int(text) <= high:
        raise bad(name, f"{name} must be a whole number from {low} to {high}")
    return int(text)


def choice_arg(name: str, default: str, choices: tuple[str, ...] | dict) -> str:
    value = single(name)
    if value is None:
        return default
    if value not in choices:
        raise bad(name, f"{name} must be one of {', '.join(choices)}")
    return value


def id_arg(name: str) -> str | None:
    value = single(name)
    return None if value is None else check_id_value(value, name)


def text_arg(name: str, max_length: int) -> str:
    value = single(name) or ""
    if len(value) > max_length:
        raise bad(name, f"{name} must be at most {max_length} characters")
    return value


def check_id_value(value: object, field: str) -> str:
    try:
        return check_id(value, field)
    except InvalidEvent as error:
        raise bad(error.field, error.message) from None


def id_list_arg(name: str, max_items: int) -> list[str]:
    """A repeatable argument of ids (``?exclude=a&exclude=b``), in the order given; at most ``max_items``."""
    values = request.args.getlist(name)
    if len(values) > max_items:
        raise bad(name, f"Give {name} at most {max_items} times.")
    return [check_id_value(value, name) for value in values]
