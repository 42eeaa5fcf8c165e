"""Ratings, likes, the cart, checkout and history through the shop's forms, each checked in the graph."""
from __future__ import annotations

import pytest


def _rating(graph, user_id: str, product_id: str):
    return graph.read_value("MATCH (:User {id: $u})-[r:RATED]->(:Product {id: $p}) RETURN r.rating",
                            u=user_id, p=product_id)


def _product(graph, product_id: str) -> dict:
    return graph.read_one("MATCH (p:Product {id: $p}) RETURN p.avgRating AS avg, p.ratingCount AS n", p=product_id)


def test_rating_a_product_stores_it_and_updates_the_average(ada, bob, shop):
    assert ada.post_form("/products/22423/feedback", {"type": "rate", "value": "5"}).status_code == 303
    assert bob.post_form("/products/22423/feedback", {"type": "rate", "value": "2"}).status_code == 303
    assert _rating(shop, "u-ada", "22423") == 5
    assert _product(shop, "22423") == {"avg": 3.5, "n": 2}

    # A second rating replaces the first; it does not count twice.
    ada.post_form("/products/22423/feedback", {"type": "rate", "value": "3"})
    assert _rating(shop, "u-ada", "22423") == 3
    assert _product(shop, "22423") == {"avg": 2.5, "n": 2}
    page = ada.client.get("/products/22423").get_data(as_text=True)
    assert "You rated this 3 out of 5." in page and "2.5" in page


def test_ratings_that_came_with_the_data_keep_counting(ada, shop):
    shop.write("MATCH (p:Product {id: '22720'}) SET p.avgRating = 4.0, p.ratingCount = 10")
    ada.post_form("/products/22720/feedback", {"type": "rate", "value": "1"})
    assert _product(shop, "22720") == {"avg": pytest.approx(41 / 11), "n": 11}
    ada.post_form("/products/22720/feedback", {"type": "unrate"})
    assert _product(shop, "22720") == {"avg": pytest.approx(4.0), "n": 10}


@pytest.mark.parametrize("value", ["0", "6", "abc", "", "3.5", "-1", "1e3", "9" * 40])
def test_a_bad_rating_is_refused_and_nothing_is_written(ada, shop, value):
    response = ada.post_form("/products/22423/feedback", {"type": "rate", "value": value})
    assert response.status_code == 400
    assert "choose a rating from 1 to 5" in response.get_data(as_text=True)
    assert _rating(shop, "u-ada", "22423") is None
    assert _product(shop, "22423") == {"avg": None, "n": 0}


def test_an_unknown_action_is_refused(ada, shop):
    response = ada.post_form("/products/22423/feedback", {"type": "delete_everything"})
    assert response.status_code == 400
    assert shop.read_value("MATCH (:User {id: 'u-ada'})-[r]->() RETURN count(r)") == 0


def test_feedback_on_an_unknown_product_is_a_404(ada, shop):
    response = ada.post_form("/products/no-such-product/feedback", {"type": "like"})
    assert response.status_code == 404


def test_feedback_without_the_csrf_token_is_refused(ada, shop):
    response = ada.post_form("/products/22423/feedback", {"type": "rate", "value": "4"}, csrf=False)
    assert response.status_code == 400
    assert _rating(shop, "u-ada", "22423") is None


def test_a_visitor_is_sent_to_sign_in_and_nothing_is_written(client, visitor_csrf, shop):
    response = client.post("/products/22423/feedback", data={"type": "like", "csrf_token": visitor_csrf})
    assert response.status_code == 302 and response.headers["Location"].startswith("/signin")
    assert shop.read_value("MATCH ()-[r:LIKED]->() RETURN count(r)") == 0


def test_like_and_dislike_exclude_each_other(ada, shop):
    def opinions():
        return shop.read_value("MATCH (:User {id: 'u-ada'})-[r:LIKED|DISLIKED]->(:Product {id: '22423'}) "
                               "RETURN collect(type(r))")

    ada.post_form("/products/22423/feedback", {"type": "like"})
    assert opinions() == ["LIKED"]
    ada.post_form("/products/22423/feedback", {"type": "dislike"})
    assert opinions() == ["DISLIKED"]
    ada.post_form("/products/22423/feedback", {"type": "like"})
    assert opinions() == ["LIKED"]
    page = ada.client.get("/products/22423").get_data(as_text=True)
    assert 'value="unlike"' in page  # the button now takes the like back
    ada.post_form("/products/22423/feedback", {"type": "unlike"})
    assert opinions() == []


def test_feedback_returns_only_to_pages_of_this_shop(ada, shop):
    response = ada.post_form("/products/22423/feedback", {"type": "like", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/products/22423"
    response = ada.post_form("/products/22423/feedback", {"type": "unlike", "next": "/history"})
    assert response.headers["Location"] == "/history"


def test_the_cart_lives_in_the_graph(ada, shop):
    ada.post_form("/products/22423/feedback", {"type": "cart", "value": "2"})
    ada.post_form("/products/22423/feedback", {"type": "cart", "value": "1"})
    ada.post_form("/products/37370/feedback", {"type": "cart"})
    lines = shop.read("MATCH (:User {id: 'u-ada'})-[c:ADDED_TO_CART]->(p) RETURN p.id AS id, c.quantity AS q, "
                      "c.at IS NOT NULL AS dated ORDER BY id")
    assert lines == [{"id": "22423", "q": 3, "dated": True}, {"id": "37370", "q": 1, "dated": True}]
    page = ada.client.get("/cart").get_data(as_text=True)
    assert "Regency Cakestand 3 Tier" in page and "£39.50" in page  # 3 x 12.75 + 1.25
    assert 'data-cart-count>4</span>' in page


@pytest.mark.parametrize("quantity", ["100", "-1", "two", ""])
def test_a_bad_cart_quantity_changes_nothing(ada, shop, quantity):
    ada.post_form("/products/22423/feedback", {"type": "cart", "value": "2"})
    response = ada.post_form("/cart/22423", {"quantity": quantity})
    assert response.status_code == 303
    assert shop.read_value("MATCH (:User {id: 'u-ada'})-[c:ADDED_TO_CART]->() RETURN c.quantity") == 2


def test_cart_quantities_change_and_zero_removes_the_line(ada, shop):
    ada.post_form("/products/22423/feedback", {"type": "cart"})
    ada.post_form("/cart/22423", {"quantity": "5"})
    assert shop.read_value("MATCH (:User {id: 'u-ada'})-[c:ADDED_TO_CART]->() RETURN c.quantity") == 5
    ada.post_form("/cart/22423", {"quantity": "0"})
    assert shop.read_value("MATCH (:User {id: 'u-ada'})-[c:ADDED_TO_CART]->() RETURN count(c)") == 0
    assert ada.post_form("/cart/22423", {"quantity": "2"}).status_code == 404  # not in the cart any more


def test_checkout_places_an_order_updates_purchases_and_empties_the_cart(ada, shop):
    shop.write("MATCH (u:User {id: 'u-ada'}), (p:Product {id: '22423'}) "
               "CREATE (u)-[:PURCHASED {count: 1, quantity: 1, at: datetime('2011-01-01T00:00:00Z')}]->(p)")
    ada.post_form("/products/22423/feedback", {"type": "cart", "value": "2"})
    ada.post_form("/products/37370/feedback", {"type": "cart", "value": "3"})
    assert ada.client.get("/checkout").status_code == 200
    response = ada.post_form("/checkout", {})
    assert response.status_code == 303
    order_id = response.headers["Location"].rsplit("/", 1)[1]

    order = shop.read_one(
        "MATCH (:User {id: 'u-ada'})-[:PLACED]->(o:Order {id: $id})-[c:CONTAINS]->(p) "
        "RETURN o.at IS NOT NULL AS dated, collect([p.id, c.quantity, c.price]) AS lines", id=order_id)
    assert order["dated"] and sorted(order["lines"]) == [["22423", 2, 12.75], ["37370", 3, 1.25]]
    rollup = {row["id"]: row for row in shop.read(
        "MATCH (:User {id: 'u-ada'})-[b:PURCHASED]->(p) RETURN p.id AS id, b.count AS count, b.quantity AS quantity")}
    assert rollup["22423"]["count"] == 2 and rollup["22423"]["quantity"] == 3  # the earlier purchase adds up
    assert rollup["37370"]["count"] == 1 and rollup["37370"]["quantity"] == 3
    assert shop.read_value("MATCH (:User {id: 'u-ada'})-[c:ADDED_TO_CART]->() RETURN count(c)") == 0

    confirmation = ada.client.get(f"/orders/{order_id}").get_data(as_text=True)
    assert "Thank you! Your order is placed." in confirmation and "£29.25" in confirmation


def test_checkout_of_an_empty_cart_places_nothing(ada, shop):
    assert ada.client.get("/checkout").status_code == 302
    response = ada.post_form("/checkout", {})
    assert response.status_code == 303 and response.headers["Location"] == "/cart"
    assert shop.read_value("MATCH (:User {id: 'u-ada'})-[:PLACED]->(o) RETURN count(o)") == 0


def test_checkout_without_the_csrf_token_places_nothing(ada, shop):
    ada.post_form("/products/22423/feedback", {"type": "cart"})
    assert ada.post_form("/checkout", {}, csrf=False).status_code == 400
    assert shop.read_value("MATCH (:User {id: 'u-ada'})-[:PLACED]->(o) RETURN count(o)") == 0


def test_history_shows_orders_ratings_and_likes_and_each_can_be_removed(ada, shop):
    ada.post_form("/products/22423/feedback", {"type": "cart"})
    ada.post_form("/checkout", {})
    ada.post_form("/products/22697/feedback", {"type": "rate", "value": "4"})
    ada.post_form("/products/22086/feedback", {"type": "like"})
    page = ada.client.get("/history").get_data(as_text=True)
    assert "Orders (1)" in page and "Ratings (1)" in page and "Likes (1)" in page
    assert "Green Regency Teacup and Saucer" in page and "Paper Chain Kit 50&#39;s Christmas" in page

    ada.post_form("/products/22697/feedback", {"type": "unrate", "next": "/history"})
    ada.post_form("/products/22086/feedback", {"type": "unlike", "next": "/history"})
    page = ada.client.get("/history").get_data(as_text=True)
    assert "Ratings (0)" in page and "Likes (0)" in page and "Orders (1)" in page
    assert _product(shop, "22697") == {"avg": None, "n": 0}


def test_a_shopper_cannot_see_another_shoppers_order(ada, bob, shop):
    assert bob.client.get("/orders/order-bob-1").status_code == 200
    response = ada.client.get("/orders/order-bob-1")
    assert response.status_code == 404
    assert "Regency Cakestand" not in response.get_data(as_text=True)


def test_history_and_cart_show_only_the_shoppers_own_data(ada, bob, shop):
    bob.post_form("/products/22086/feedback", {"type": "like"})
    bob.post_form("/products/22423/feedback", {"type": "cart"})
    history = ada.client.get("/history").get_data(as_text=True)
    assert "Orders (0)" in history and "Likes (0)" in history
    assert "Your cart is empty" in ada.client.get("/cart").get_data(as_text=True)


def test_removing_another_shoppers_rating_is_impossible(ada, bob, shop):
    bob.post_form("/products/22423/feedback", {"type": "rate", "value": "5"})
    ada.post_form("/products/22423/feedback", {"type": "unrate"})  # acts on Ada's (absent) rating only
    assert _rating(shop, "u-bob", "22423") == 5
    assert _product(shop, "22423") == {"avg": 5.0, "n": 1}
