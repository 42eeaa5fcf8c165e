"""How the shop writes things: names, prices, stars, placeholders, highlights, reasons and search syntax."""
from __future__ import annotations

import pytest

from shopgraph.graph.catalog import lucene_query, search_words
from shopgraph.models.serving import Recommendation
from shopgraph.webapp.display import display_name, excerpt, highlight, money, placeholder, stars, tells_more
from shopgraph.webapp.recommender import describe
from shopgraph.webapp.security import password_problem


@pytest.mark.parametrize("raw, shown", [
    ("WHITE HANGING HEART T-LIGHT HOLDER", "White Hanging Heart T-Light Holder"),
    ("PAPER CHAIN KIT 50'S CHRISTMAS", "Paper Chain Kit 50's Christmas"),
    ("SET OF 3 CAKE TINS PANTRY DESIGN", "Set of 3 Cake Tins Pantry Design"),
    ("THE KING'S MUG", "The King's Mug"),
    ("iPhone case, slim", "iPhone case, slim"),
    ("  two   spaces ", "two spaces"),
    (None, "Unnamed product"),
])
def test_shouted_names_are_shown_in_title_case(raw, shown):
    assert display_name(raw) == shown


def test_a_description_that_repeats_the_name_is_left_out():
    assert not tells_more("ZINC HEART  T-LIGHT HOLDER ", "Zinc Heart T-Light Holder")
    assert not tells_more(None, "Mug")
    assert tells_more("A mug for tea.", "Mug")


def test_prices_carry_the_currency():
    assert money(2.5) == "£2.50" and money(1234.5, "$") == "$1,234.50" and money(None) == "Price on request"


@pytest.mark.parametrize("rating, drawn", [
    (None, ["empty"] * 5), (5, ["full"] * 5), (3.5, ["full"] * 3 + ["half", "empty"]),
    (4.2, ["full"] * 4 + ["empty"]), (4.8, ["full"] * 5),
])
def test_stars(rating, drawn):
    assert stars(rating) == drawn


def test_a_placeholder_is_the_same_for_the_same_product():
    tile = placeholder({"id": "22423", "name": "REGENCY CAKESTAND 3 TIER"})
    assert tile == placeholder({"id": "22423", "name": "REGENCY CAKESTAND 3 TIER"})
    assert tile["initials"] == "RC" and tile["background"].startswith("#") and tile["ink"].startswith("#")


def test_highlighting_marks_matches_and_escapes_everything_else():
    marked = str(highlight("Red <b>heart</b> & hearts", ["heart"]))
    assert marked == "Red &lt;b&gt;<mark>heart</mark>&lt;/b&gt; &amp; <mark>hearts</mark>"
    assert "<mark>Regency</mark>" in str(highlight("Green Regency teacup", ["regncy"]))  # the typo matched
    assert str(highlight("<script>", [])) == "&lt;script&gt;"


def test_an_excerpt_starts_near_the_first_match():
    text = "word " * 100 + "lantern " + "word " * 100
    assert "lantern" in excerpt(text, ["lantern"], 120)
    assert len(excerpt(text, None, 120)) <= 122


@pytest.mark.parametrize("text, words", [
    ("Red HEART lantern", ["red", "heart", "lantern"]),
    ('"quoted" AND (OR) NOT*', ["quoted"]),
    ("the and of", ["the", "and", "of"]),
    ("title:heart^2~ [a TO z]", ["title", "heart", "2", "z"]),
    ("MATCH (n) DETACH DELETE n", ["match", "n", "detach", "delete"]),
    ("", []),
])
def test_search_takes_only_words_lower_cased(text, words):
    assert search_words(text)[0] == words


def test_lucene_queries_rank_exact_then_prefix_then_typos():
    assert lucene_query(["lantern"]) == "(lantern^4 OR lantern*^2 OR lantern~2)"
    assert lucene_query(["mug", "red"], require_all=False) == "(mug^4 OR mug*^2) OR (red^4 OR red*^2)"
    assert lucene_query(["ab"]) == "(ab^4)"


def test_reasons_are_put_into_words():
    names = {"22423": "Regency Cakestand", "85123A": "White Heart"}
    assert describe([{"kind": "bought_with", "product": "22423"}], names, {}) == "Bought with Regency Cakestand"
    assert describe([{"kind": "rated_with", "product": "22423"}], names, {}) == \
        "Rated highly by the people who rated Regency Cakestand"
    assert describe([{"kind": "same_category", "product": "85123A", "category": "lighting"}], names,
                    {"lighting": "Lighting"}) == "Same category as White Heart"
    assert describe([{"kind": "same_category", "category": "Mugs"}], names, {}) == "More in Mugs"
    assert describe([{"kind": "trending"}], names, {}) == "Trending now"
    assert describe([{"kind": "liked_by_similar_shoppers"}, {"kind": "trending"}, {"kind": "popular"}], names,
                    {}) == "Liked by shoppers like you · Trending now"
    assert describe([{"kind": "some_new_kind"}], names, {}) == "Some new kind"
    assert describe([], names, {}) == ""
    assert Recommendation("1", 1.0).because == []


@pytest.mark.parametrize("password, ok", [
    ("Abcdefghij", True), ("abcdefghi1", True), ("abcdefghij", False), ("ABCDEFGHIJ", False),
    ("1234567890", False), ("Abc-12", False), ("ada@example.com", False),
])
def test_password_rules(password, ok):
    assert (password_problem(password, "ada@example.com") is None) is ok
