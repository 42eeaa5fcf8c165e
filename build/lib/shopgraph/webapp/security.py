"""Who is asking, and may they: sessions, passwords, CSRF, sign-in throttling, API tokens, safe headers.

- Shoppers and merchandisers sign in with a session (Flask-Login); passwords are hashed with argon2.
- Every state-changing request made with the session carries a CSRF token (a form field, or the
  ``X-CSRFToken`` header for JSON writes); requests that authenticate with ``Authorization: Bearer``
  need none, since a browser never adds that header by itself.
- Repeated failed sign-ins are throttled per client, per client and account, and per account for
  browsers without the account's device cookie (``webapp.throttling``); nothing about them is written to
  the graph.
- API callers are ``Caller`` objects: a signed-in user or a token with a role.
"""
from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, abort, current_app, g, redirect, render_template, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from shopgraph.graph.tokens import ApiToken, Tokens
from shopgraph.graph.users import Users
from shopgraph.webapp import throttling
from shopgraph.webapp.errors import ApiError, json_error
from shopgraph.webapp.neo4j_ext import graph

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128

login_manager = LoginManager()
csrf = CSRFProtect()
_hasher = PasswordHasher()
# Checked against when an email has no account, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password anyone has")

DEFAULT_CSP = (
    "default-src 'self'; img-src 'self' data: https: http:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


# -- passwords ----------------------------------------------------------------------------------
def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; takes the same time whether or not there is a hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str, email: str | None = None) -> str | None:
    """What is wrong with a new password, in words for the shopper; None when it will do."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    kinds = [any(c.islower() for c in password), any(c.isupper() for c in password),
             any(c.isdigit() for c in password), any(not c.isalnum() for c in password)]
    if sum(kinds) < 2:
        return "Mix at least two kinds of character: lower-case, upper-case, digits or symbols."
    if email and password.lower() in {email.lower(), email.lower().partition("@")[0]}:
        return "Your password must not be your email address."
    return None


# -- the signed-in user -------------------------------------------------------------------------
class ShopUser(UserMixin):
    """The signed-in account as Flask-Login sees it."""

    def __init__(self, record: dict[str, Any]) -> None:
        self.id: str = record["id"]
        self.email: str = record.get("email") or ""
        self.name: str = record.get("name") or ""
        self.role: str = record.get("role") or "shopper"

    @property
    def is_merchandiser(self) -> bool:
        return self.role == "merchandiser"

    @property
    def first_name(self) -> str:
        return (self.name.split() or [self.email.partition("@")[0]])[0]


@login_manager.user_loader
def _load_user(user_id: str) -> ShopUser | None:
    record = Users(graph()).by_id(user_id)
    return ShopUser(record) if record and record.get("canSignIn") else None


@login_manager.unauthorized_handler
def _unauthorized():
    if request.path.startswith("/api/"):
        raise ApiError(401, "unauthorized", "Sign in, or send an API token as 'Authorization: Bearer ...'.")
    return redirect(url_for("auth.signin", next=request.full_path if request.query_string else request.path))


def role_required(*roles: str) -> Callable:
    """A page decorator: sign-in required, and 403 unless the user's role is one of ``roles``."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


merchandiser_required = role_required("merchandiser")


def safe_next(target: str | None, default: str = "/") -> str:
    """``target`` when it is a path on this site, else ``default`` (no open redirects)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


# -- signing in --------------------------------------------------------------------------------
def sign_in(email: str, password: str) -> ShopUser | None:
    """The account of ``email`` when ``password`` is its password, else None (as slow for an unknown email).
    Throttling happens before this is called (``webapp.throttling``). On success the hash is upgraded when
    argon2's parameters have changed."""
    users = Users(graph())
    record = users.by_email(email)
    if record is None or not check_password(record.get("passwordHash"), password):
        return None
    if needs_rehash(record["passwordHash"]):
        users.set_password_hash(record["id"], hash_password(password))
    return ShopUser(record)


# -- API callers --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Caller:
    """Who makes an API call: a signed-in user (``user_id`` set) or a token (``token_id`` set)."""

    role: str
    user_id: str | None = None
    token_id: str | None = None

    @property
    def is_token(self) -> bool:
        return self.token_id is not None


def api_caller() -> Caller | None:
    token: ApiToken | None = g.get("api_token")
    if token is not None:
        return Caller(role=token.role, token_id=token.id)
    if current_user.is_authenticated:
        return Caller(role=current_user.role, user_id=current_user.id)
    return None


def require_api_caller(*roles: str) -> Caller:
    """The caller, or a 401 when there is none and a 403 when its role is not one of ``roles`` (if given)."""
    caller = api_caller()
    if caller is None:
        raise ApiError(401, "unauthorized", "Sign in, or send an API token as 'Authorization: Bearer ...'.")
    if roles and caller.role not in roles:
        raise ApiError(403, "forbidden", f"This needs the role {' or '.join(roles)}.")
    return caller


class _TokenCache:
    """Recently verified tokens, so an API client does not cost a graph read per call.

    Only valid tokens are kept, for ``ttl`` seconds: a revoked token stops working within that time.
    """

    def __init__(self, ttl: float = 30.0, size: int = 1024) -> None:
        self.ttl, self.size = ttl, size
        self._entries: dict[str, tuple[float, ApiToken]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> ApiToken | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry and entry[0] > time.monotonic():
                return entry[1]
            self._entries.pop(key, None)
            return None

    def put(self, key: str, token: ApiToken) -> None:
        with self._lock:
            if len(self._entries) >= self.size:
                self._entries.clear()
            self._entries[key] = (time.monotonic() + self.ttl, token)


def _bearer_token(header: str) -> ApiToken:
    scheme, _, credentials = header.partition(" ")
    credentials = credentials.strip()
    if scheme.lower() != "bearer" or not credentials:
        raise ApiError(401, "invalid_token", "Send the API token as 'Authorization: Bearer <token>'.")
    cache: _TokenCache = current_app.extensions["api_token_cache"]
    key = hashlib.sha256(credentials.encode()).hexdigest()
    token = cache.get(key)
    if token is None:
        token = Tokens(graph()).verify(credentials)
        if token is None:
            raise ApiError(401, "invalid_token", "The API token is not valid: mistyped or revoked.")
        cache.put(key, token)
    return token


def _authenticate_and_check_csrf() -> None:
    g.api_token = None
    if request.path.startswith("/api/"):
        if header := request.headers.get("Authorization"):
            # A bearer token is never sent by a browser on its own, so it needs no CSRF token.
            g.api_token = _bearer_token(header)
            return
        if request.method in current_app.config["WTF_CSRF_METHODS"] and not current_user.is_authenticated:
            return  # acts for nobody: the view answers 401, which says more than a CSRF failure
    if current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()


def _csrf_failed(error: CSRFError):
    if request.path.startswith("/api/"):
        return json_error(400, "csrf_failed", f"{error.description} Send the page's csrf-token as X-CSRFToken.",
                          "X-CSRFToken")
    message = "This form has expired or was not sent from the shop. Please go back, reload the page and try again."
    return render_template("error.html", status=400, title="Please try again", message=message), 400


def _safe_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", current_app.config["CONTENT_SECURITY_POLICY"])
    # The session, not current_user: loading the user here could fail a second time when Neo4j is down.
    if request.path.startswith("/api/") or "_user_id" in session:
        headers.setdefault("Cache-Control", "private, no-store")
    return response


def init_app(app: Flask) -> None:
    config = app.config
    config.setdefault("WTF_CSRF_ENABLED", True)
    # Checked by _authenticate_and_check_csrf, which knows about bearer tokens.
    config["WTF_CSRF_CHECK_DEFAULT"] = False
    # A shop page may stay open for hours; the token lives as long as the session.
    config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    config.setdefault("REMEMBER_COOKIE_SECURE", config.get("SESSION_COOKIE_SECURE", False))
    config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    config.setdefault("CONTENT_SECURITY_POLICY", DEFAULT_CSP)

    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    app.extensions["api_token_cache"] = _TokenCache()
    app.before_request(_authenticate_and_check_csrf)
    app.after_request(_safe_headers)
    app.register_error_handler(CSRFError, _csrf_failed)
    throttling.init_app(app)
