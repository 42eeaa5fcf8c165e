"""The JSON bodies of PUT /api/v1/products/{id} and PUT /api/v1/shoppers/{id}, read exactly as the OpenAPI
document states them: known fields only, each of its type and within its limits; anything else is a 400 naming
the field. The limits are defined here once and the document is written from them."""
from __future__ import annotations

import math
import re
from typing import Any

from shopgraph.webapp.api_args import bad, check_id_value

PRODUCT_FIELDS = ("name", "description", "price", "currency", "imageUrl", "brand", "categories", "tags")
SHOPPER_FIELDS = ("name", "email")
MAX_NAME = 200
MAX_DESCRIPTION = 5000
MAX_PRICE = 1_000_000_000
MAX_URL = 2000
MAX_CATEGORIES = 20
MAX_TAGS = 50
MAX_TAG = 100
MAX_EMAIL = 254
#: Regular expressions both Python (fullmatch / match) and the document's validators read the same way.
CURRENCY_PATTERN = "^[A-Z]{3}$"
URL_PATTERN = "^https?://"
EMAIL_PATTERN = "^[^@]+@[^@]+$"


def _object(body: Any, allowed: tuple[str, ...], example: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad("body", f"Send a JSON object, e.g. {example}.")
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise bad(unknown[0], f"Unknown field {unknown[0]!r}; send only {', '.join(allowed)}.")
    return body


def _text(body: dict[str, Any], name: str, max_length: int, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise bad(name, f"{name} is required")
        return None
    if not isinstance(value, str) or not value.strip():
        raise bad(name, f"{name} must be a non-empty string")
    if len(value) > max_length:
        raise bad(name, f"{name} must be at most {max_length} characters")
    return value


def _matching(body: dict[str, Any], name: str, pattern: str, max_length: int, what: str) -> str | None:
    """A text field that matches ``pattern`` (the document's, anchored at the start and, with '$', at the end)."""
    value = body.get(name)
    if value is None:
        return None
    anchored = pattern.endswith("$")
    regex = re.compile(pattern[1:-1] if anchored else pattern[1:])
    found = regex.fullmatch(value) if isinstance(value, str) and anchored else \
        regex.match(value) if isinstance(value, str) else None
    if found is None or len(value) > max_length:
        raise bad(name, f"{name} must be {what}")
    return value


def _list(body: dict[str, Any], name: str, max_items: int) -> list[Any]:
    if name not in body:
        return []
    value = body[name]
    if not isinstance(value, list):
        raise bad(name, f"{name} must be a list")
    if len(value) > max_items:
        raise bad(name, f"{name} holds at most {max_items} items")
    return value


def product_body(body: Any) -> dict[str, Any]:
    """The product fields of a PUT body, checked; keys as ``graph.catalog_writes.product_fields`` reads them."""
    body = _object(body, PRODUCT_FIELDS, '{"name": "Red Mug", "price": 4.5, "categories": ["mugs"]}')
    price = body.get("price")
    if price is not None and (isinstance(price, bool) or not isinstance(price, (int, float))
                              or not math.isfinite(price) or not 0 <= price <= MAX_PRICE):
        raise bad("price", f"price must be a number from 0 to {MAX_PRICE}, or null")
    categories = [check_id_value(value, f"categories[{i}]")
                  for i, value in enumerate(_list(body, "categories", MAX_CATEGORIES))]
    tags = [_text({f"tags[{i}]": tag}, f"tags[{i}]", MAX_TAG, required=True)
            for i, tag in enumerate(_list(body, "tags", MAX_TAGS))]
    return {
        "name": _text(body, "name", MAX_NAME, required=True),
        "description": _description(body),
        "price": float(price) if price is not None else None,
        "currency": _matching(body, "currency", CURRENCY_PATTERN, 3, "an ISO 4217 code such as USD, or null"),
        "imageUrl": _matching(body, "imageUrl", URL_PATTERN, MAX_URL,
                              f"an http(s) URL of at most {MAX_URL} characters, or null"),
        "brand": _text(body, "brand", MAX_NAME),
        "categories": categories,
        "tags": tags,
    }


def _description(body: dict[str, Any]) -> str | None:
    value = body.get("description")
    if value is not None and (not isinstance(value, str) or len(value) > MAX_DESCRIPTION):
        raise bad("description", f"description must be a string of at most {MAX_DESCRIPTION} characters, or null")
    return value


def shopper_body(body: Any) -> dict[str, Any]:
    """The shopper fields of a PUT body, checked: a name, and an email or null."""
    body = _object(body, SHOPPER_FIELDS, '{"name": "Ann Smith", "email": "ann@example.com"}')
    return {"name": _text(body, "name", MAX_NAME, required=True),
            "email": _matching(body, "email", EMAIL_PATTERN, MAX_EMAIL, "an email address, or null")}
