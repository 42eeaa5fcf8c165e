"""A shopper's whole visit in a real browser: sign up, search, open a product, rate it, add it to the
cart, check out, find the order in their history, sign out. Screenshots of the home, search and
product pages go to test-artifacts/ for a person to look at."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.webapp.shop import stock

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(graph, shop_url):
    stock(graph)
    return shop_url


def test_a_new_shopper_finds_rates_buys_and_sees_the_order(shop, page, artifacts, graph):
    page.goto(shop + "/")
    expect(page.get_by_role("heading", name="Trending now")).to_be_visible()
    page.screenshot(path=artifacts / "home-visitor.png", full_page=True)

    # Sign up
    page.get_by_role("link", name="Create account").first.click()
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Your name").fill("Grace Hopper")
    page.get_by_label("Password", exact=True).fill("Compilers-are-fun-1952")
    page.get_by_label("Repeat the password").fill("Compilers-are-fun-1952")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Welcome to ShopGraph, Grace!")).to_be_visible()

    # Search, with a typo
    page.get_by_label("Search products").first.fill("regncy teacup")
    page.get_by_label("Search products").first.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("for “regncy teacup”")
    first = page.locator(".result").first
    expect(first.locator("mark").first).to_be_visible()
    page.screenshot(path=artifacts / "search.png", full_page=True)

    # Open the product, rate it 4 (sent as JSON with X-CSRFToken), add two to the cart
    first.get_by_role("link").last.click()
    expect(page.locator("h1.product-title")).to_contain_text("Teacup")
    product_id = page.locator("[data-product-page]").get_attribute("data-product-page")
    page.get_by_role("button", name="Rate 4 out of 5").click()
    expect(page.locator("[data-own-rating]")).to_have_text("You rated this 4 out of 5.")
    expect(page.locator("[data-rating-summary]")).to_contain_text("4.0")
    page.get_by_label("Quantity").select_option("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("[data-cart-count]")).to_have_text("2")
    page.screenshot(path=artifacts / "product.png", full_page=True)

    rating = graph.read_value(
        "MATCH (:User {email: 'grace@example.com'})-[r:RATED]->(:Product {id: $id}) RETURN r.rating", id=product_id)
    assert rating == 4

    # The rating survives a reload: it is in the graph, not just on the page
    page.reload()
    expect(page.locator("[data-own-rating]")).to_have_text("You rated this 4 out of 5.")
    expect(page.locator(".star-button.on")).to_have_count(4)

    # Cart and checkout
    page.get_by_role("link", name=re.compile("Cart")).first.click()
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    expect(page.locator(".cart-line")).to_have_count(1)
    page.get_by_role("link", name="Go to checkout").click()
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_text("Thank you! Your order is placed.")).to_be_visible()
    expect(page.locator(".cart-line")).to_have_count(1)
    expect(page.locator("[data-cart-count]")).to_have_text("0")

    # History shows the order and the rating
    page.get_by_role("link", name=re.compile("Orders & history")).click()
    expect(page.locator(".order-card")).to_have_count(1)
    expect(page.locator("#ratings .opinion")).to_have_count(1)
    page.screenshot(path=artifacts / "history.png", full_page=True)
    page.goto(shop + "/")
    page.screenshot(path=artifacts / "home-shopper.png", full_page=True)

    # Sign out
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    expect(page.locator(".site-header").get_by_role("link", name=re.compile("Sign in"))).to_be_visible()


def test_a_rating_can_be_removed_from_history_without_reloading(shop, page):
    page.goto(shop + "/signin")
    page.get_by_label("Email").fill("bob@example.com")
    page.get_by_label("Password").fill("Bob-can-fix-it-2024")
    page.get_by_role("button", name="Sign in").click()
    page.goto(shop + "/products/22720")
    page.get_by_role("button", name="Rate 5 out of 5").click()
    expect(page.locator("[data-own-rating]")).to_have_text("You rated this 5 out of 5.")
    page.get_by_role("button", name="Like").click()
    expect(page.locator("[data-like]")).to_have_attribute("aria-pressed", "true")
    page.goto(shop + "/history")
    expect(page.locator("#ratings .opinion")).to_have_count(1)
    page.locator("#ratings").get_by_role("button", name="Remove rating").click()
    expect(page.locator("#ratings .opinion")).to_have_count(0)
    page.reload()
    expect(page.locator("#ratings .opinion")).to_have_count(0)
    expect(page.locator("#likes .opinion")).to_have_count(1)


def test_pages_look_right_on_a_phone(shop, browser, artifacts):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(shop + "/products/22423")
    expect(page.locator("h1.product-title")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the product page scrolls sideways on a phone ({width}px wide)"
    page.screenshot(path=artifacts / "product-phone.png", full_page=True)
    context.close()


def test_browsing_a_category_and_sorting_it(shop, page, artifacts):
    page.goto(shop + "/")
    page.locator(".category-bar").get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Home")
    expect(page.get_by_text("9 products")).to_be_visible()
    page.get_by_label("Sort by").select_option("price_desc")  # the script submits the form on change
    expect(page).to_have_url(re.compile(r"sort=price_desc"))
    expect(page.locator(".card .price").first).to_have_text("£12.75")
    page.screenshot(path=artifacts / "category.png", full_page=True)
    page.locator(".listing-aside").get_by_role("link", name="Kitchen").click()
    expect(page.locator(".card")).to_have_count(5)
    page.locator(".listing-aside").get_by_role("link", name="Mugs & Cups").click()
    expect(page.locator(".card")).to_have_count(3)


def test_error_pages_and_forms_look_like_the_shop(shop, page, artifacts):
    response = page.goto(shop + "/products/no-such-thing")
    assert response.status == 404
    expect(page.get_by_role("heading", name="We cannot find that page")).to_be_visible()
    page.screenshot(path=artifacts / "not-found.png", full_page=True)
    page.goto(shop + "/signup")
    page.get_by_label("Email").fill("someone@example.com")
    page.get_by_label("Your name").fill("Some One")
    page.get_by_label("Password", exact=True).fill("tooshort")
    page.get_by_label("Repeat the password").fill("tooshort")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Use at least 10 characters.")).to_be_visible()
    page.screenshot(path=artifacts / "signup-error.png", full_page=True)
