"""How the shop shows things: prices, product names, rating stars, image placeholders, search highlights.

Registered as Jinja filters by the shop blueprint; the functions are plain and tested on their own.
"""
from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from flask import Flask
from markupsafe import Markup, escape

_TOKEN = re.compile(r"\w+", re.UNICODE)

# Placeholder tiles: a soft background and a deep ink of the same hue (the ink passes WCAG AA on it).
_TILE_COLOURS = [
    ("#e3f0ee", "#1f5e5b"), ("#f6e7dc", "#8a4a1f"), ("#e6ebf5", "#34508a"), ("#f3e6ef", "#7a3563"),
    ("#e9f1e1", "#3f6b2a"), ("#f7efd9", "#75540f"), ("#ece8f5", "#4f3f86"), ("#f5e4e4", "#8c2f39"),
    ("#e2eef5", "#1e5a7a"), ("#efe9e1", "#5e4b36"),
]


#: The signs written before amounts in the currencies the shop meets most; any other currency is written as
#: its code and a space ("CHF 12.50"), which every reader understands.
CURRENCY_SIGNS = {"USD": "$", "GBP": "£", "EUR": "€"}


def currency_symbol(currency: str) -> str:
    """What goes before an amount in ``currency`` (an ISO 4217 code)."""
    return CURRENCY_SIGNS.get(currency, f"{currency} ")


def money(amount: Any, symbol: str = "£") -> str:
    if amount is None:
        return "Price on request"
    return f"{symbol}{float(amount):,.2f}"


# A run of letters not following a letter, digit or apostrophe: "50's" keeps its "s", "t-light" gets "T-Light".
_WORD_START = re.compile(r"(?<![\w'’])[a-z]+")
_SMALL_WORDS = frozenset("a an and as at by for in of on or the to with".split())


def _title_word(match: re.Match) -> str:
    word = match.group(0)
    return word if word in _SMALL_WORDS else word.capitalize()


def display_name(name: str | None) -> str:
    """Catalogue names as people write them: SHOUTED names (Online Retail) become title case."""
    if not name:
        return "Unnamed product"
    name = " ".join(name.split())
    if name.isupper():
        name = _WORD_START.sub(_title_word, name.lower())
        name = name[0].upper() + name[1:]
    return name


def stars(rating: float | None) -> list[str]:
    """Five entries, each 'full', 'half' or 'empty', for drawing an average rating."""
    rating = float(rating or 0)
    result = []
    for position in range(1, 6):
        if rating >= position - 0.25:
            result.append("full")
        elif rating >= position - 0.75:
            result.append("half")
        else:
            result.append("empty")
    return result


def placeholder(product: dict[str, Any]) -> dict[str, str]:
    """The initials and colours (``background``, ``ink``) of a product's placeholder tile; the same product
    always gets the same tile."""
    name = display_name(product.get("name"))
    words = [w for w in _TOKEN.findall(name) if w[0].isalpha()] or [name]
    initials = "".join(word[0] for word in words[:2]).upper()
    digest = hashlib.sha256(str(product.get("id", name)).encode()).digest()
    background, ink = _TILE_COLOURS[digest[0] % len(_TILE_COLOURS)]
    return {"initials": initials, "background": background, "ink": ink}


def _edits_at_most(a: str, b: str, limit: int) -> bool:
    """True when a and b are at most ``limit`` single-character edits apart (banded Levenshtein)."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


def matches_word(token: str, words: list[str]) -> bool:
    """Whether a word of the text is one the search matched: equal, a prefix match or a near miss."""
    token = token.lower()
    for word in words:
        if token == word or (len(word) >= 3 and token.startswith(word)):
            return True
        if len(word) >= 4 and len(token) >= 3 and _edits_at_most(token, word, 1 if len(word) <= 6 else 2):
            return True
        if len(token) >= 4 and word.startswith(token[: max(4, len(token) - 2)]):
            return True  # stems: "hearts" found "heart"
    return False


def highlight(text: str | None, words: list[str]) -> Markup:
    """``text`` escaped, with the words search matched wrapped in <mark>."""
    text = text or ""
    if not words:
        return Markup(escape(text))
    out, last = [], 0
    for match in _TOKEN.finditer(text):
        if matches_word(match.group(0), words):
            out.append(escape(text[last:match.start()]))
            out.append(Markup("<mark>") + escape(match.group(0)) + Markup("</mark>"))
            last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def excerpt(text: str | None, words: list[str] | None = None, length: int = 180) -> str:
    """A short part of ``text``, around the first matched word when there is one."""
    text = " ".join((text or "").split())
    if len(text) <= length:
        return text
    start = 0
    for match in _TOKEN.finditer(text):
        if words and matches_word(match.group(0), words):
            start = max(0, match.start() - length // 3)
            break
    piece = text[start:start + length].rsplit(" ", 1)[0]
    return ("… " if start else "") + piece + " …"


def tells_more(description: str | None, name: str | None) -> bool:
    """Whether a description says more than the product's name (Online Retail's only repeat it)."""
    def letters(text: str | None) -> str:
        return "".join(c for c in (text or "").lower() if c.isalnum())

    return bool(letters(description)) and letters(description) != letters(name)


def day(value: datetime | None) -> str:
    return value.strftime("%-d %b %Y") if value else ""


def register(app: Flask) -> None:
    # Prices are in their product's currency (``product.price|money(product.currency)``); the shop's
    # configured currency stands in for products whose data named none.
    fallback = app.config.setdefault("CURRENCY", "GBP")
    fallback_symbol = app.config.setdefault("CURRENCY_SYMBOL", currency_symbol(fallback))

    def price(amount: Any, currency: str | None = None) -> str:
        return money(amount, currency_symbol(currency) if currency else fallback_symbol)

    app.add_template_filter(price, "money")
    app.add_template_filter(display_name, "display_name")
    app.add_template_filter(highlight, "highlight")
    app.add_template_filter(excerpt, "excerpt")
    app.add_template_filter(day, "day")
    app.add_template_global(stars, "stars")
    app.add_template_global(placeholder, "placeholder")
    app.add_template_test(tells_more, "telling_more_than")
