"""Home, categories, search and product pages, as a visitor and as a signed-in shopper."""
from __future__ import annotations

import re

import pytest


def _text(response) -> str:
    return response.get_data(as_text=True)


def _product_links(page: str) -> list[str]:
    """Product ids in the order their cards appear (each card links its image and title to the product)."""
    return list(dict.fromkeys(re.findall(r'class="card-link" href="/products/([^"?]+)', page)))


def test_a_visitor_sees_trending_products_with_their_reason(client, shop):
    page = _text(client.get("/"))
    assert "Trending now" in page
    assert "Recommended for you" not in page
    trending = _product_links(page)
    # The fixture's buyers bought these; the shop shows them (names in title case, not SHOUTED).
    assert {"22423", "85123A"} <= set(trending)
    assert "White Hanging Heart T-Light Holder" in page


def test_a_shopper_gets_picks_with_reasons_and_their_recently_viewed(ada, shop):
    ada.client.get("/products/22720")
    page = _text(ada.client.get("/"))
    assert "Welcome back, Ada" in page
    assert "Recommended for you" in page
    assert re.search(r'class="reason">.*?<span>[^<]+</span>', page, re.S), "a pick without its reason"
    assert "Recently viewed" in page and "Set of 3 Cake Tins Pantry Design" in page


def test_an_empty_shop_has_a_friendly_home(client, graph):
    response = client.get("/")
    assert response.status_code == 200
    assert "Find something they will love" in _text(response)


def test_the_category_tree_counts_every_product_below_each_category(client, shop):
    page = _text(client.get("/categories"))
    assert re.search(r'href="/categories/home">Home</a> <span class="muted">9</span>', page)
    assert re.search(r'href="/categories/gifts">Gifts</a> <span class="muted">3</span>', page)
    assert 'href="/categories/mugs">Mugs &amp; Cups</a>' in page


def test_a_category_lists_its_products_and_those_of_its_subcategories(client, shop):
    page = _text(client.get("/categories/kitchen"))
    assert "5 products" in page
    assert set(_product_links(page)) == {"22423", "22720", "22697", "22699", "37370"}
    assert '<a href="/categories/home">Home</a>' in page  # the trail back up
    assert 'href="/categories/mugs">Mugs &amp; Cups</a>' in page  # and the way down


@pytest.mark.parametrize("sort, first, last", [
    ("price_asc", "37370", "22423"),
    ("price_desc", "22423", "37370"),
])
def test_categories_sort_by_price(client, shop, sort, first, last):
    products = _product_links(_text(client.get(f"/categories/kitchen?sort={sort}")))
    assert products[0] == first and products[-1] == last


def test_popular_sort_puts_what_shoppers_bought_first(client, shop):
    products = _product_links(_text(client.get("/categories/kitchen?sort=popular")))
    assert set(products[:3]) == {"22423", "22697", "22699"}  # Bob bought these three


def test_rating_sort_puts_the_best_rated_first_and_the_unrated_last(client, shop):
    shop.write("MATCH (p:Product {id: '22720'}) SET p.avgRating = 4.5, p.ratingCount = 2")
    shop.write("MATCH (p:Product {id: '37370'}) SET p.avgRating = 3.0, p.ratingCount = 5")
    products = _product_links(_text(client.get("/categories/kitchen?sort=rating")))
    assert products[:2] == ["22720", "37370"]


@pytest.mark.parametrize("query", ["sort=name)%20DETACH%20DELETE%20p%20//", "sort=&page=abc", "page=-3",
                                   "page=99999999999999999999"])
def test_odd_sort_or_page_arguments_show_the_first_page_in_the_usual_order(client, shop, query):
    usual = _product_links(_text(client.get("/categories/kitchen")))
    response = client.get(f"/categories/kitchen?{query}")
    assert response.status_code == 200
    assert _product_links(_text(response)) == usual
    assert shop.read_value("MATCH (p:Product) RETURN count(p)") == 12


def test_paging_walks_through_a_category(client, shop):
    shop.write("UNWIND range(1, 30) AS i MATCH (c:Category {id: 'christmas'}) "
               "CREATE (:Product {id: 'xmas-' + i, name: 'Bauble ' + i, price: toFloat(i)})-[:IN_CATEGORY]->(c)")
    first = _text(client.get("/categories/christmas?sort=price_asc"))
    second = _text(client.get("/categories/christmas?sort=price_asc&page=2"))
    assert len(_product_links(first)) == 24 and len(_product_links(second)) == 8
    assert not set(_product_links(first)) & set(_product_links(second))
    assert 'rel="next" href="/categories/christmas?sort=price_asc&amp;page=2"' in first
    beyond = client.get("/categories/christmas?page=9")
    assert beyond.status_code == 200 and "There is no page 9 here" in _text(beyond)


def test_an_unknown_category_is_a_404_in_the_shop_style(client, shop):
    response = client.get("/categories/no-such-thing")
    assert response.status_code == 404
    assert "There is no such category." in _text(response) and "site-header" in _text(response)


def test_search_ranks_matches_and_highlights_the_words(client, shop):
    page = _text(client.get("/search?q=regency teacup"))
    assert "2 results for" in page
    assert _product_links(page) == [] and re.findall(r'<h2><a href="/products/([^"]+)"', page)[:2] in (
        ["22697", "22699"], ["22699", "22697"])
    assert "<mark>Regency</mark> <mark>Teacup</mark>" in page


@pytest.mark.parametrize("typo", ["regncy", "teacpu", "lanterns", "chrismas"])
def test_search_forgives_small_typos(client, shop, typo):
    page = _text(client.get(f"/search?q={typo}"))
    assert re.search(r"[1-9]\d* results? for", page), typo


def test_search_finds_by_brand_and_category(client, shop):
    assert "/products/22086" in _text(client.get("/search?q=festive"))
    assert "/products/23084" in _text(client.get("/search?q=lighting"))


@pytest.mark.parametrize("query", [
    "", "   ", '"', '"unbalanced quote', "heart AND OR NOT", "(((", "title:heart^99~ [a TO z]", "*", "?",
    "' OR 1=1 --", "MATCH (n) DETACH DELETE n", "}) RETURN 1 //", "\\", "&&||!", "x" * 5000, "ünïcödé ☃ 茶",
    "<script>alert(1)</script>",
])
def test_odd_queries_give_a_normal_page(client, shop, query):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    page = _text(response)
    assert "<script>alert(1)</script>" not in page
    assert "Traceback" not in page
    assert shop.read_value("MATCH (p:Product) RETURN count(p)") == 12


def test_a_long_query_is_cut_and_the_page_says_so(client, shop):
    response = client.get("/search", query_string={"q": "teacup " * 60})
    assert response.status_code == 200
    assert "Your search was long" in _text(response)


def test_a_product_page_shows_what_a_shopper_needs(client, shop):
    page = _text(client.get("/products/22423"))
    assert "Regency Cakestand 3 Tier" in page and "£12.75" in page
    assert "Three tiers of fine china" in page
    assert "No ratings yet" in page
    assert '<a href="/categories/kitchen">Kitchen</a>' in page
    assert "Sign in to buy" in page  # a visitor cannot buy, rate or like
    assert 'class="placeholder"' in page  # no image: a generated tile
    assert "Similar items" in page and "Bought together" in page


def test_a_product_image_is_lazy_with_a_placeholder_behind_it(client, shop):
    page = _text(client.get("/products/71053"))
    assert re.search(r'<img src="http://127.0.0.1:9/lantern.jpg"[^>]*loading="lazy"', page)
    assert re.search(r'<svg class="placeholder" hidden', page)


def test_similar_and_bought_together_rows_are_never_empty(client, shop):
    page = _text(client.get("/products/22112"))  # the only product of its category, bought by nobody
    assert "Similar items" not in page or _product_links(page)
    page = _text(client.get("/products/37370"))  # in a category with others
    rows = page.split("Similar items", 1)[1]
    assert _product_links(rows.split("Bought together", 1)[0])
    assert _product_links(rows.split("Bought together", 1)[1])


def test_opening_a_product_records_a_view(ada, shop):
    for _ in range(3):
        assert ada.client.get("/products/22720").status_code == 200
    views = shop.read_one("MATCH (:User {id: 'u-ada'})-[v:VIEWED]->(:Product {id: '22720'}) "
                          "RETURN v.count AS n, v.at AS at")
    assert views["n"] == 3 and views["at"] is not None


def test_a_visitor_opening_a_product_records_nothing(client, shop):
    client.get("/products/22720")
    assert shop.read_value("MATCH ()-[v:VIEWED]->() RETURN count(v)") == 0


def test_an_unknown_product_is_a_404_page(client, shop):
    response = client.get("/products/does-not-exist")
    assert response.status_code == 404
    assert "not in the shop" in _text(response)


def test_pages_are_a_styled_503_when_neo4j_is_down(shop, client_without_neo4j):
    for path in ("/", "/categories/home", "/search?q=mug", "/products/22423", "/signin"):
        response = client_without_neo4j.get(path)
        if path == "/signin":
            assert response.status_code == 200  # signing in needs the graph only when the form is sent
            continue
        assert response.status_code == 503, path
        page = _text(response)
        assert "database is unreachable" in page and "site-header" in page
        assert "Traceback" not in page
