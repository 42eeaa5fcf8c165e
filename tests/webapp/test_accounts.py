"""Sign up, sign in, sign out: passwords, CSRF, throttling, cookies and redirects."""
from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from tests.webapp.shop import ADA, csrf_token, sign_in

GOOD_PASSWORD = "Correct-horse-42"


def _signup(client, token, **fields):
    data = {"email": "grace@example.com", "name": "Grace Hopper", "password": GOOD_PASSWORD,
            "confirm": GOOD_PASSWORD, "csrf_token": token, **fields}
    return client.post("/signup", data=data)


def test_sign_up_creates_a_shopper_with_an_argon2_hash_and_signs_them_in(client, shop):
    response = _signup(client, csrf_token(client, "/signup"), email="  Grace@Example.COM ")
    assert response.status_code == 302
    user = shop.read_one("MATCH (u:User {email: 'grace@example.com'}) RETURN u {.*} AS u")["u"]
    assert user["role"] == "shopper" and user["name"] == "Grace Hopper"
    assert len(user["id"]) == 36 and user["createdAt"] is not None
    assert user["passwordHash"].startswith("$argon2id$")
    assert PasswordHasher().verify(user["passwordHash"], GOOD_PASSWORD)
    page = client.get("/").get_data(as_text=True)
    assert "Welcome to ShopGraph, Grace!" in page and "Sign out" in page


@pytest.mark.parametrize("password, problem", [
    ("Short-1", "at least 10 characters"),
    ("alllowercaseletters", "two kinds of character"),
    ("1234567890123", "two kinds of character"),
    ("x" * 129 + "A", "at most 128 characters"),
])
def test_weak_or_overlong_passwords_are_refused_with_a_reason(client, shop, password, problem):
    response = _signup(client, csrf_token(client, "/signup"), password=password, confirm=password)
    assert response.status_code == 400
    assert problem in response.get_data(as_text=True)
    assert shop.read_value("MATCH (u:User {email: 'grace@example.com'}) RETURN count(u)") == 0


@pytest.mark.parametrize("fields, message", [
    ({"email": "not-an-email"}, "Enter an email address"),
    ({"email": "a" * 250 + "@example.com"}, "at most 254 characters"),
    ({"name": "N" * 81}, "at most 80 characters"),
    ({"name": ""}, "Tell us what to call you"),
    ({"confirm": "Something-else-42"}, "The two passwords differ"),
])
def test_bad_sign_up_fields_are_named_and_nothing_is_stored(client, shop, fields, message):
    response = _signup(client, csrf_token(client, "/signup"), **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert shop.read_value("MATCH (u:User) WHERE u.passwordHash IS NOT NULL RETURN count(u)") == 2


def test_an_email_can_have_only_one_account(client, shop):
    response = _signup(client, csrf_token(client, "/signup"), email="ADA@example.com")
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)
    assert shop.read_value("MATCH (u:User {email: 'ada@example.com'}) RETURN count(u)") == 1


def test_sign_up_without_the_csrf_token_is_refused(client, shop):
    response = _signup(client, token="")
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    assert shop.read_value("MATCH (u:User {email: 'grace@example.com'}) RETURN count(u)") == 0


def test_sign_in_with_the_right_password_starts_a_new_session(client, shop):
    before = csrf_token(client, "/signin")
    after = sign_in(client, ADA)
    assert after != before  # the session (and its CSRF token) is new after signing in
    assert "Hi, Ada" in client.get("/").get_data(as_text=True)


def test_a_wrong_password_or_unknown_email_gets_the_same_answer(client, shop):
    token = csrf_token(client, "/signin")
    wrong = client.post("/signin", data={"email": ADA["email"], "password": "Not-her-password-1", "csrf_token": token})
    unknown = client.post("/signin", data={"email": "nobody@example.com", "password": "Whatever-123",
                                           "csrf_token": token})
    assert wrong.status_code == unknown.status_code == 401
    for response in (wrong, unknown):
        assert "That email and password do not match an account." in response.get_data(as_text=True)


def test_sign_out_needs_a_post_with_the_csrf_token(app, shop):
    client = app.test_client()
    token = sign_in(client, ADA)
    assert client.get("/signout").status_code == 200  # a confirmation page, not a sign-out
    assert "Hi, Ada" in client.get("/").get_data(as_text=True)
    assert client.post("/signout").status_code == 400
    assert "Hi, Ada" in client.get("/").get_data(as_text=True)
    response = client.post("/signout", data={"csrf_token": token})
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "You are signed out" in page and "Hi, Ada" not in page


@pytest.mark.parametrize("target, expected", [
    ("/history", "/history"),
    ("//evil.example/steal", "/"),
    ("https://evil.example/", "/"),
    ("/\\evil.example", "/"),
])
def test_sign_in_returns_only_to_pages_of_this_shop(client, shop, target, expected):
    token = csrf_token(client, "/signin")
    response = client.post("/signin", data={"email": ADA["email"], "password": ADA["password"], "next": target,
                                            "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_pages_for_shoppers_send_visitors_to_sign_in(client, shop):
    for path in ("/cart", "/checkout", "/history", "/orders/order-bob-1"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/signin?next=")


def test_session_cookies_are_http_only_and_same_site(client, shop):
    sign_in(client, ADA)
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_cookies_are_secure_when_the_shop_is_served_over_https(neo4j_settings, shop):
    from shopgraph.webapp.app import close_app, create_app

    app = create_app({"TESTING": True, "NEO4J_SETTINGS": neo4j_settings, "SECRET_KEY": "t",
                      "SESSION_COOKIE_SECURE": True})
    try:
        client = app.test_client()
        client.get("/signin", base_url="https://shop.example")
        assert client.get_cookie("session", domain="shop.example").secure
        assert app.config["REMEMBER_COOKIE_SECURE"] is True
    finally:
        close_app(app)


def test_every_page_carries_the_csrf_meta_tag_and_safe_headers(client, shop):
    for path in ("/", "/signin", "/signup", "/categories", "/categories/home", "/search?q=mug", "/products/22423",
                 "/no-such-page"):
        response = client.get(path)
        assert '<meta name="csrf-token" content="' in response.get_data(as_text=True), path
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
