"""Throttling, as OWASP's authentication and credential-stuffing sheets describe it: guessing is slowed per client,
and a stranger's failures never lock the owner out of their account.

Sign-in (``POST /signin``), every limit answered with 429 and ``Retry-After``:

- per client address: every attempt (``SIGNIN_LIMIT_CLIENT``), against one address trying many accounts;
- per client address and account: failed attempts (``SIGNIN_LIMIT_CLIENT_ACCOUNT``), against guessing one
  account's password; it holds only that address back, so the owner elsewhere still signs in;
- per account, from clients without its device cookie: failed attempts (``SIGNIN_LIMIT_ACCOUNT``), against
  guessing spread over many addresses;
- a browser that signed in to the account before holds a **device cookie** (signed with the app's key, naming
  the account and a nonce): it is exempt from the three limits above, so the owner signs in even while the
  account is under attack from elsewhere, and has a limit of its own (``SIGNIN_LIMIT_DEVICE``) in case it is
  stolen.

Sign-up is limited per client address (``SIGNUP_LIMIT``) and ``POST /api/v1/events`` too (``EVENTS_LIMIT``).
Nothing is written to the graph: counts live in Flask-Limiter's storage, ``RATELIMIT_STORAGE_URI`` (env
``SHOPGRAPH_RATELIMIT_STORAGE``), by default each worker process's memory, so with N gunicorn workers a client
may make up to N times each limit; ``redis://...`` (or any storage ``limits`` knows) shares one count between
workers and hosts. The client address is ``request.remote_addr``: behind a reverse proxy, set
``SHOPGRAPH_PROXY_HOPS`` (``webapp.app.trust_proxies``) or every shopper shares the proxy's address.
"""
from __future__ import annotations

import hashlib
import math
import secrets
import time

from flask import Flask, Response, current_app, render_template, request
from flask_limiter import RateLimitExceeded, RequestLimit
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response as BaseResponse

from shopgraph.graph.config import current
from shopgraph.graph.users import normalise_email
from shopgraph.webapp.errors import json_error
from shopgraph.webapp.extensions import limiter

DEVICE_COOKIE = "shopgraph_device"
DEVICE_COOKIE_DAYS = 365
#: The app's config key of each limit, and the setting (``graph.config``) it defaults to.
LIMITS = {
    "SIGNIN_LIMIT_CLIENT": "signin_limit_client",
    "SIGNIN_LIMIT_CLIENT_ACCOUNT": "signin_limit_client_account",
    "SIGNIN_LIMIT_ACCOUNT": "signin_limit_account",
    "SIGNIN_LIMIT_DEVICE": "signin_limit_device",
    "SIGNUP_LIMIT": "signup_limit",
    "EVENTS_LIMIT": "events_limit",
}


# -- who is asking ------------------------------------------------------------------------------
def client_address() -> str:
    return request.remote_addr or "unknown"


def _typed_account() -> str:
    """The account a sign-in names, as a digest: limits and cookies never carry the address itself."""
    email = normalise_email(request.form.get("email", ""))[:320]
    return hashlib.sha256(email.encode()).hexdigest()[:24]


def _serializer() -> URLSafeTimedSerializer:
    key = current_app.secret_key
    if key is None:  # the app factory always sets one (webapp.app)
        raise RuntimeError("the app has no secret key to sign device cookies with")
    return URLSafeTimedSerializer(key, salt="shopgraph-device-cookie")


def device_nonce() -> str | None:
    """The nonce of this browser's device cookie when it is valid for the account the sign-in names."""
    value = request.cookies.get(DEVICE_COOKIE)
    if not value:
        return None
    try:
        data = _serializer().loads(value, max_age=DEVICE_COOKIE_DAYS * 86400)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("a") != _typed_account():
        return None
    nonce = data.get("n")
    return nonce if isinstance(nonce, str) else None


def _trusted() -> bool:
    return device_nonce() is not None


def _untrusted() -> bool:
    return device_nonce() is None


def remember_device(response: BaseResponse, email: str) -> BaseResponse:
    """Gives the browser that just signed in a device cookie for this account."""
    account = hashlib.sha256(normalise_email(email)[:320].encode()).hexdigest()[:24]
    value = _serializer().dumps({"a": account, "n": secrets.token_hex(12)})
    response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_COOKIE_DAYS * 86400, httponly=True, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False), path="/signin")
    return response


def _failed(response: Response) -> bool:
    return response.status_code == 401


def _limit(name: str):
    return lambda: current_app.config[name]


# -- the limits the views wear -----------------------------------------------------------------
def signin_limits(view):
    """The four sign-in limits above, for the sign-in view."""
    for decorate in (
        limiter.limit(_limit("SIGNIN_LIMIT_CLIENT"), key_func=lambda: f"client:{client_address()}",
                      methods=["POST"], exempt_when=_trusted),
        limiter.limit(_limit("SIGNIN_LIMIT_CLIENT_ACCOUNT"),
                      key_func=lambda: f"client-account:{client_address()}:{_typed_account()}",
                      methods=["POST"], exempt_when=_trusted, deduct_when=_failed),
        limiter.limit(_limit("SIGNIN_LIMIT_ACCOUNT"), key_func=lambda: f"account:{_typed_account()}",
                      methods=["POST"], exempt_when=_trusted, deduct_when=_failed),
        limiter.limit(_limit("SIGNIN_LIMIT_DEVICE"), key_func=lambda: f"device:{device_nonce()}",
                      methods=["POST"], exempt_when=_untrusted, deduct_when=_failed),
    ):
        view = decorate(view)
    return view


signup_limit = limiter.limit(_limit("SIGNUP_LIMIT"), key_func=lambda: f"signup:{client_address()}",
                             methods=["POST"])


def _not_an_event_post() -> bool:
    """The app's default limit is the events limit, so every other request is exempt from it."""
    return not (request.method == "POST" and request.endpoint == "api.events")


# -- the answer ---------------------------------------------------------------------------------
def _retry_after(limit: RequestLimit) -> int:
    """Whole seconds until the limit's window ends (``reset_at`` is rounded up a second; the window is not)."""
    return max(1, math.ceil(limit.window[0] - time.time()))


def _breached(limit: RequestLimit) -> Response:
    """429 with Retry-After: JSON under /api, the form again for sign-in and sign-up, else the error page."""
    seconds = _retry_after(limit)
    wait = f"{math.ceil(seconds / 60)} minute{'s' if seconds > 60 else ''}"
    if request.path.startswith("/api/"):
        response, _ = json_error(429, "too_many_requests",
                                 f"Too many requests from this client; try again in {seconds} seconds.")
    elif request.endpoint in ("auth.signin", "auth.signup"):
        from shopgraph.webapp.forms import SignInForm, SignUpForm

        form = SignInForm() if request.endpoint == "auth.signin" else SignUpForm()
        form.form_errors.append(f"Too many attempts from here. Please wait {wait} and try again.")
        response = Response(render_template(f"auth/{request.endpoint.split('.')[1]}.html", form=form))
    else:
        response = Response(render_template("error.html", status=429, title="Too many requests",
                                            message=f"Please wait {wait} and try again."))
    response.status_code = 429
    response.headers["Retry-After"] = str(seconds)
    return response


def _too_many(error: RateLimitExceeded):
    # More specific than the app's HTTPException handler, which would drop the response made above.
    return error.get_response()


def init_app(app: Flask) -> None:
    config, settings = app.config, current()
    for name, setting in LIMITS.items():
        config.setdefault(name, getattr(settings, setting))
    # Named, so Flask-Limiter does not warn; memory:// is per worker process (see the module's docstring).
    config.setdefault("RATELIMIT_STORAGE_URI", settings.ratelimit_storage)
    config.setdefault("RATELIMIT_DEFAULT", _limit("EVENTS_LIMIT"))
    config.setdefault("RATELIMIT_DEFAULTS_EXEMPT_WHEN", _not_an_event_post)
    config.setdefault("RATELIMIT_ON_BREACH_CALLBACK", _breached)
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, _too_many)

