"""Throttling (OWASP): guessing is slowed per client with 429 and Retry-After, a stranger cannot lock the owner out,
a browser that signed in before gets through an attack from elsewhere, and sign-up and event posting are limited
per client too. Nothing about failed sign-ins is written to the graph."""
from __future__ import annotations

import pytest

from tests.webapp.shop import ADA, BOB, bearer, csrf_token

WRONG = "Guess-number-1"


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def attempt(client, who: dict[str, str], password: str):
    return client.post("/signin", data={"email": who["email"], "password": password,
                                        "csrf_token": csrf_token(client, "/signin")})


def test_six_wrong_passwords_hold_back_that_client_not_the_owner(app, shop):
    attacker, owner = client_at(app, "203.0.113.9"), client_at(app, "198.51.100.7")

    answers = [attempt(attacker, BOB, WRONG).status_code for _ in range(6)]

    assert answers == [401] * 5 + [429]
    refused = attempt(attacker, BOB, BOB["password"])
    assert refused.status_code == 429, "the attacker's client may not try even the right password"
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert "Too many attempts from here" in refused.get_data(as_text=True)
    assert attempt(owner, BOB, BOB["password"]).status_code == 302, "the owner, elsewhere, signs in"
    assert shop.read_value("MATCH (n) WHERE NOT n:Product AND NOT n:Category AND NOT n:User AND NOT n:Order "
                           "AND NOT n:Brand AND NOT n:Tag RETURN count(n)") == 0, \
        "failed sign-ins for any typed email write nothing to the graph"


def test_one_client_guessing_many_accounts_is_throttled(app, shop):
    app.config["SIGNIN_LIMIT_CLIENT"] = "8 per minute"
    guesser = client_at(app, "203.0.113.10")

    answers = [guesser.post("/signin", data={"email": f"someone{n}@example.com", "password": WRONG,
                                             "csrf_token": csrf_token(guesser, "/signin")}).status_code
               for n in range(9)]

    assert answers == [401] * 8 + [429]
    assert attempt(client_at(app, "198.51.100.8"), ADA, ADA["password"]).status_code == 302


def test_guessing_from_many_addresses_locks_only_browsers_the_account_does_not_know(app, shop):
    app.config["SIGNIN_LIMIT_ACCOUNT"] = "6 per hour"
    # The owner signed in on this browser last week: it holds the account's device cookie.
    owners_browser = client_at(app, "198.51.100.20")
    assert attempt(owners_browser, ADA, ADA["password"]).status_code == 302
    owners_browser.post("/signout", data={"csrf_token": csrf_token(owners_browser)})

    for n in range(6):  # a botnet: one guess from each of many addresses
        assert attempt(client_at(app, f"203.0.113.{100 + n}"), ADA, WRONG).status_code == 401

    assert attempt(client_at(app, "203.0.113.200"), ADA, ADA["password"]).status_code == 429, \
        "a browser the account has never seen waits while the account is under attack"
    assert attempt(owners_browser, ADA, ADA["password"]).status_code == 302, \
        "the owner's own browser gets through"


def test_a_device_cookie_counts_for_its_own_account_only(app, shop):
    app.config["SIGNIN_LIMIT_ACCOUNT"] = "3 per hour"
    browser = client_at(app, "198.51.100.30")
    assert attempt(browser, ADA, ADA["password"]).status_code == 302
    browser.post("/signout", data={"csrf_token": csrf_token(browser)})
    for n in range(3):
        attempt(client_at(app, f"203.0.113.{50 + n}"), BOB, WRONG)

    assert attempt(browser, BOB, BOB["password"]).status_code == 429, "Ada's cookie does not vouch for Bob"


def test_a_stolen_device_cookie_has_a_limit_of_its_own(app, shop):
    app.config["SIGNIN_LIMIT_DEVICE"] = "3 per 15 minutes"
    browser = client_at(app, "198.51.100.40")
    assert attempt(browser, ADA, ADA["password"]).status_code == 302
    browser.post("/signout", data={"csrf_token": csrf_token(browser)})

    answers = [attempt(browser, ADA, WRONG).status_code for _ in range(4)]

    assert answers == [401] * 3 + [429]


def test_a_forged_device_cookie_is_worth_nothing(app, shop):
    app.config["SIGNIN_LIMIT_CLIENT_ACCOUNT"] = "2 per 15 minutes"
    forger = client_at(app, "203.0.113.60")
    forger.set_cookie("shopgraph_device", "eyJhIjoiIiwibiI6IngifQ.forged", path="/signin")

    answers = [attempt(forger, ADA, WRONG).status_code for _ in range(3)]

    assert answers == [401, 401, 429]


def test_sign_up_is_limited_per_client(app, shop):
    app.config["SIGNUP_LIMIT"] = "3 per hour"
    client = client_at(app, "203.0.113.70")

    def sign_up(n: int):
        token = csrf_token(client, "/signup")
        return client.post("/signup", data={"email": f"bot{n}@example.com", "name": "Bot", "password": "Bot-pass-12345",
                                            "confirm": "Bot-pass-12345", "csrf_token": token})

    answers = []
    for n in range(4):
        answers.append(sign_up(n).status_code)
        client.post("/signout", data={"csrf_token": csrf_token(client)})
    assert answers == [302, 302, 302, 429]
    assert shop.read_value("MATCH (u:User) WHERE u.email STARTS WITH 'bot' RETURN count(u)") == 3


def test_event_posting_is_limited_per_client_with_a_json_429(app, client, integration_token):
    app.config["EVENTS_LIMIT"] = "3 per minute"
    other = client_at(app, "198.51.100.80")

    answers = [client.post("/api/v1/events", headers=bearer(integration_token),
                           json={"user_id": "u-ada", "product_id": "22423", "type": "view"}) for _ in range(4)]

    assert [response.status_code for response in answers] == [200, 200, 200, 429]
    last = answers[3]
    assert last.get_json()["error"]["code"] == "too_many_requests"
    assert 0 < int(last.headers["Retry-After"]) <= 60
    assert other.post("/api/v1/events", headers=bearer(integration_token),
                      json={"user_id": "u-ada", "product_id": "22423", "type": "view"}).status_code != 429
    assert client.get("/api/v1/products/22423").status_code == 200, "reads are not limited by it"


@pytest.mark.parametrize("path", ["/signin", "/signup"])
def test_looking_at_the_forms_costs_nothing(app, shop, path):
    app.config["SIGNIN_LIMIT_CLIENT"] = app.config["SIGNUP_LIMIT"] = "2 per minute"
    client = client_at(app, "203.0.113.90")

    assert [client.get(path).status_code for _ in range(5)] == [200] * 5
