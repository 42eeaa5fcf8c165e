"""Orders exactly once: checkout under concurrency, and the Idempotency-Key header on events and checkout."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from neo4j.exceptions import IncompleteCommit

from shopgraph.graph.db import Graph
from tests.webapp.conftest import Shopper
from tests.webapp.shop import ADA, bearer, sign_in


def _orders(shop, user_id: str = "u-ada") -> int:
    return shop.read_value("MATCH (:User {id: $u})-[:PLACED]->(o:Order) RETURN count(o)", u=user_id)


def _in_parallel(calls):
    """Runs the calls at the same moment, each in its own thread; their answers in order."""
    barrier = threading.Barrier(len(calls))
    answers = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        answers[i] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def _ada_clients(app, count: int) -> list[Shopper]:
    shoppers = []
    for _ in range(count):
        client = app.test_client()
        shoppers.append(Shopper(client, ADA["id"], sign_in(client, ADA)))
    return shoppers


def test_five_parallel_checkouts_of_one_cart_make_one_order(app, ada, shop):
    before = _orders(shop)
    assert ada.post_json("/api/v1/events", {"product_id": "22423", "type": "cart", "value": 2}).status_code == 200
    clients = _ada_clients(app, 5)
    answers = _in_parallel([lambda c=c: c.post_form("/checkout", {}) for c in clients])
    assert [answer.status_code for answer in answers] == [303] * 5
    assert _orders(shop) == before + 1
    placed = shop.read_value("MATCH (:User {id: 'u-ada'})-[:PLACED]->(o:Order)-[c:CONTAINS]->(:Product {id: '22423'}) "
                             "RETURN sum(c.quantity)")
    assert placed == 2
    # Every click lands on the one order (the later ones are told it is already placed), none on an error.
    order_id = shop.read_value("MATCH (:User {id: 'u-ada'})-[:PLACED]->(o:Order)-[:CONTAINS]->(:Product {id: '22423'}) "
                               "RETURN o.id")
    assert {answer.headers["Location"] for answer in answers} == {f"/orders/{order_id}"}
    page = clients[0].client.get(f"/orders/{order_id}")
    assert page.status_code == 200


def test_checkout_with_an_empty_cart_and_no_recent_order_goes_back_to_the_cart(ada, shop):
    answer = ada.post_form("/checkout", {})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/cart")


def test_checkout_with_an_idempotency_key_replays_the_same_order(ada, shop):
    ada.post_json("/api/v1/events", {"product_id": "22720", "type": "cart", "value": 1})
    headers = {"Idempotency-Key": "checkout-7f3a"}
    first = ada.client.post("/checkout", data={"csrf_token": ada.csrf}, headers=headers)
    ada.post_json("/api/v1/events", {"product_id": "22720", "type": "cart", "value": 1})  # a new cart meanwhile
    again = ada.client.post("/checkout", data={"csrf_token": ada.csrf}, headers=headers)
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    # The replay placed nothing: the new cart is still there.
    assert shop.read_value("MATCH (:User {id: 'u-ada'})-[c:ADDED_TO_CART]->() RETURN count(c)") == 1


def _purchase(client, token: str, key: str | None = None, quantity: int = 1):
    headers = {**bearer(token), **({"Idempotency-Key": key} if key else {})}
    return client.post("/api/v1/events", headers=headers,
                       json={"user_id": "u-bob", "product_id": "37370", "type": "purchase", "value": quantity})


def test_a_purchase_sent_twice_without_a_key_makes_two_orders(client, integration_token, shop):
    before = _orders(shop, "u-bob")
    assert _purchase(client, integration_token).status_code == 200
    assert _purchase(client, integration_token).status_code == 200
    assert _orders(shop, "u-bob") == before + 2


def test_a_purchase_sent_twice_with_one_key_makes_one_order_and_the_same_answer(client, integration_token, shop):
    before = _orders(shop, "u-bob")
    first = _purchase(client, integration_token, "order-42")
    again = _purchase(client, integration_token, "order-42")
    assert first.status_code == again.status_code == 200
    assert first.get_json() == again.get_json()
    assert "Idempotent-Replayed" not in first.headers and again.headers["Idempotent-Replayed"] == "true"
    assert _orders(shop, "u-bob") == before + 1


def test_the_same_key_sent_by_five_clients_at_once_makes_one_order(app, integration_token, shop):
    before = _orders(shop, "u-bob")
    clients = [app.test_client() for _ in range(5)]
    answers = _in_parallel([lambda c=c: _purchase(c, integration_token, "burst-1") for c in clients])
    assert [answer.status_code for answer in answers] == [200] * 5
    assert len({answer.get_data() for answer in answers}) == 1
    assert _orders(shop, "u-bob") == before + 1


def test_the_same_key_with_another_body_is_a_409_and_writes_nothing(client, integration_token, shop):
    before = _orders(shop, "u-bob")
    assert _purchase(client, integration_token, "k-1", quantity=1).status_code == 200
    other = _purchase(client, integration_token, "k-1", quantity=3)
    assert other.status_code == 409
    assert other.get_json()["error"]["code"] == "idempotency_key_reused"
    assert _orders(shop, "u-bob") == before + 1


def test_keys_belong_to_their_caller(client, integration_token, merchandiser_token, shop):
    before = _orders(shop, "u-bob")
    assert _purchase(client, integration_token, "shared").status_code == 200
    assert _purchase(client, merchandiser_token, "shared", quantity=2).status_code == 200
    assert _orders(shop, "u-bob") == before + 2


@pytest.mark.parametrize("key", ["", "x" * 256, "with space", "caf\u00e9"])
def test_a_malformed_key_is_a_400(client, integration_token, shop, key):
    answer = client.post("/api/v1/events", headers={**bearer(integration_token), "Idempotency-Key": key},
                         json={"user_id": "u-bob", "product_id": "37370", "type": "like"})
    assert answer.status_code == 400 and answer.get_json()["error"]["field"] == "Idempotency-Key"


def test_keys_are_kept_a_day_then_removed_as_new_keys_are_written(app, client, integration_token, shop):
    assert _purchase(client, integration_token, "day-1").status_code == 200
    kept = shop.read_value("MATCH (k:IdempotencyKey) RETURN duration.inSeconds(k.createdAt, k.expiresAt).seconds")
    assert kept >= timedelta(hours=24).total_seconds()
    app.config["IDEMPOTENCY_TTL_SECONDS"] = 0  # from now on keys expire at once
    shop.write("MATCH (k:IdempotencyKey) SET k.expiresAt = datetime() - duration('PT1S')")
    assert _purchase(client, integration_token, "day-2").status_code == 200
    ids = shop.read_value("MATCH (k:IdempotencyKey) RETURN count(k)")
    assert ids <= 1  # day-1 is gone; day-2 at most (it expired too, but nothing has written a key since)
    # An expired key is free again: the same key starts afresh, even with another body.
    assert _purchase(client, integration_token, "day-1", quantity=5).status_code == 200


def test_the_schema_makes_keys_unique(shop):
    constraints = shop.read("SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type "
                            "WHERE 'IdempotencyKey' IN labelsOrTypes RETURN properties, type")
    assert {"properties": ["id"], "type": "UNIQUENESS"} in constraints


def _LosesTheFirstCommitAnswer(original):
    """Wraps Graph.write_with: the first write commits, then raises IncompleteCommit as a lost answer would."""
    lost = []

    def write_with(graph: Graph, work):
        result = original(graph, work)
        if not lost:
            lost.append(True)
            raise IncompleteCommit("connection lost after COMMIT was sent")
        return result

    return write_with


def test_a_lost_commit_answer_with_a_key_gets_the_committed_answer_not_a_second_order(
        client, integration_token, shop, monkeypatch):
    before = _orders(shop, "u-bob")
    monkeypatch.setattr(Graph, "write_with", _LosesTheFirstCommitAnswer(Graph.write_with))
    answer = _purchase(client, integration_token, "lost-1")
    assert answer.status_code == 200 and answer.get_json()["result"]["order"]["items"] == 1
    monkeypatch.undo()
    assert _orders(shop, "u-bob") == before + 1
    assert _purchase(client, integration_token, "lost-1").get_json() == answer.get_json()


def test_a_lost_commit_answer_without_a_key_says_the_outcome_is_unknown(client, integration_token, shop, monkeypatch):
    monkeypatch.setattr(Graph, "write_with", _LosesTheFirstCommitAnswer(Graph.write_with))
    answer = _purchase(client, integration_token)
    assert answer.status_code == 503 and answer.headers["Retry-After"]
    error = answer.get_json()["error"]
    assert error["code"] == "outcome_unknown" and "Idempotency-Key" in error["message"]


def test_a_like_whose_connection_is_lost_while_it_is_written_says_the_outcome_is_unknown(
        client, integration_token, shop, monkeypatch):
    # Without a key a like is one statement committed on its own (Graph.write_statement): a connection lost
    # while it ran leaves the client as unsure as a lost COMMIT answer does.
    original, lost = Graph.write_statement, []

    def loses_the_first_answer(graph: Graph, name_or_text: str, **params):
        rows = original(graph, name_or_text, **params)
        if not lost:
            lost.append(True)
            raise IncompleteCommit("connection lost while the statement ran")
        return rows

    monkeypatch.setattr(Graph, "write_statement", loses_the_first_answer)
    body = {"user_id": "u-bob", "product_id": "22423", "type": "like"}
    answer = client.post("/api/v1/events", headers=bearer(integration_token), json=body)
    assert answer.status_code == 503 and answer.headers["Retry-After"]
    assert answer.get_json()["error"]["code"] == "outcome_unknown"
    assert lost and shop.read_value("MATCH (:User {id: 'u-bob'})-[l:LIKED]->(:Product {id: '22423'}) "
                                    "RETURN count(l)") == 1
    # Sent again, with or without a key, the like is still one like.
    again = client.post("/api/v1/events", headers={**bearer(integration_token), "Idempotency-Key": "like-1"},
                        json=body)
    assert again.status_code == 200
    assert shop.read_value("MATCH (:User {id: 'u-bob'})-[l:LIKED]->(:Product {id: '22423'}) RETURN count(l)") == 1


def test_a_lost_checkout_commit_answer_still_shows_the_one_order(ada, shop, monkeypatch):
    before = _orders(shop)
    ada.post_json("/api/v1/events", {"product_id": "22423", "type": "cart", "value": 1})
    monkeypatch.setattr(Graph, "write_with", _LosesTheFirstCommitAnswer(Graph.write_with))
    answer = ada.post_form("/checkout", {})
    monkeypatch.undo()
    assert answer.status_code == 303 and "/orders/" in answer.headers["Location"]
    assert _orders(shop) == before + 1


def test_a_second_click_on_place_order_shows_the_order_already_placed(ada, shop):
    ada.post_json("/api/v1/events", {"product_id": "22423", "type": "cart", "value": 1})
    first = ada.post_form("/checkout", {})
    second = ada.post_form("/checkout", {})
    assert second.status_code == 303 and second.headers["Location"] == first.headers["Location"]
    page = ada.client.get(second.headers["Location"]).get_data(as_text=True)
    assert "Your order is already placed." in page
    assert _orders(shop) == 1
