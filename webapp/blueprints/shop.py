"""The shop's pages: home, categories, search, product pages, cart, checkout, orders and history.

Every action is written to the graph before the response; after each one the recommender is told
to forget what it cached for the shopper. Forms post here and work without JavaScript; the shop's
script sends the same feedback to the JSON API instead when it can.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_login import current_user, login_required

from shopgraph.graph.cart import Cart, checkout_tx
from shopgraph.graph.catalog import DEFAULT_SORT, SORTS, Catalog
from shopgraph.graph.db import GraphUnavailable
from shopgraph.graph.events import Event, Feedback, InvalidEvent, parse_event
from shopgraph.graph.idempotency import KeyReused
from shopgraph.models.serving import DEFAULT_STRATEGY
from shopgraph.models.serving_cache import SharedValue
from shopgraph.webapp import display, idempotency, online_metrics, recommender
from shopgraph.webapp.forms import ConfirmForm, FeedbackForm, QuantityForm
from shopgraph.webapp.neo4j_ext import graph
from shopgraph.webapp.security import safe_next

blueprint = Blueprint("shop", __name__)
blueprint.record_once(lambda state: recommender.init_app(_flask_app(state)))
blueprint.record_once(lambda state: display.register(_flask_app(state)))
blueprint.record_once(lambda state: online_metrics.init_app(_flask_app(state)))

PER_PAGE = 24
MAX_PAGE = 10_000
MAX_QUERY_LENGTH = 200
SHELF_SIZE = 12
ROW_SIZE = 8

_FEEDBACK_THANKS = {
    "rate": "Thanks! You rated this {value} out of 5.",
    "unrate": "Your rating is removed.",
    "like": "Saved to your likes.",
    "unlike": "Removed from your likes.",
    "dislike": "Got it: we will show you less like this.",
    "undislike": "Dislike removed.",
    "cart": "Added to your cart.",
    "uncart": "Removed from your cart.",
    "purchase": "Thank you for your order!",
}


def _catalog() -> Catalog:
    return Catalog(graph())


def _page_number() -> int:
    """The ``page`` query argument; anything odd shows the first page rather than an error."""
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        return 1
    return page if 1 <= page <= MAX_PAGE else 1


def _signed_in_id() -> str | None:
    return current_user.id if current_user.is_authenticated else None


# -- on every page: the category menu and the cart badge ------------------------------------------
class _MenuCache:
    """The top-level categories for the header, read at most once a minute per process, by one request while
    the others show the menu read before."""

    def __init__(self, ttl: float = 60.0) -> None:
        self._roots = SharedValue(lambda: _catalog().category_tree(), ttl)

    def roots(self) -> list[dict[str, Any]]:
        return self._roots.get()


blueprint.record_once(lambda state: state.app.extensions.setdefault("shop_menu", _MenuCache()))


@blueprint.app_context_processor
def _header() -> dict[str, Any]:
    # Error pages render this too, possibly with Neo4j down: the header then goes without.
    try:
        menu = current_app.extensions["shop_menu"].roots()
        items = Cart(graph()).size(current_user.id) if current_user.is_authenticated else 0
    except GraphUnavailable:
        menu, items = [], 0
    return {"menu_categories": menu, "cart_items": items, "sort_names": SORTS}


# -- browsing ----------------------------------------------------------------------------------------
@blueprint.get("/")
def home():
    catalog = _catalog()
    user_id = _signed_in_id()
    metrics = online_metrics.metrics()
    for_you, recent, trending = [], [], []
    for_you_list = trending_list = None
    if user_id:
        # While an A/B test runs, the shopper's variant decides the strategy.
        assignment = metrics.assignment(user_id)
        strategy = assignment.strategy if assignment else DEFAULT_STRATEGY
        for_you = recommender.shelf(recommender.recommend_for_page(user_id, SHELF_SIZE, strategy), catalog,
                                    display.display_name)
        for_you_list = metrics.served([card["id"] for card in for_you], strategy, user_id, "home", assignment)
        recent = Feedback(graph()).recently_viewed(user_id, 6)
    if not for_you:
        trending = recommender.shelf(recommender.recommend_for_page(None, SHELF_SIZE, "trending"), catalog,
                                     display.display_name)
        trending_list = metrics.served([card["id"] for card in trending], "trending", user_id, "home")
    # A brand-new shop has no trend yet: show its best-known products rather than an empty page.
    fallback = [] if for_you or trending else catalog.listing(DEFAULT_SORT, 1, SHELF_SIZE).items
    return render_template("shop/home.html", for_you=for_you, recent=recent, trending=trending,
                           fallback=fallback, for_you_list=for_you_list, trending_list=trending_list)


@blueprint.get("/categories")
def categories():
    return render_template("shop/categories.html", tree=_catalog().category_tree())


@blueprint.get("/categories/<category_id>")
def category(category_id: str):
    catalog = _catalog()
    found = catalog.category(category_id)
    if found is None:
        abort(404, "There is no such category.")
    sort = request.args.get("sort", DEFAULT_SORT)
    sort = sort if sort in SORTS else DEFAULT_SORT
    listing = catalog.category_products(category_id, sort, _page_number(), PER_PAGE)
    return render_template("shop/category.html", category=found, listing=listing, sort=sort)


@blueprint.get("/search")
def search():
    text = request.args.get("q", "")
    shortened = len(text) > MAX_QUERY_LENGTH
    text = text[:MAX_QUERY_LENGTH]
    results = _catalog().search(text, _page_number(), PER_PAGE) if text.strip() else None
    return render_template("shop/search.html", q=text, results=results,
                           shortened=shortened or bool(results and results.truncated))


@blueprint.get("/products/<product_id>")
def product(product_id: str):
    catalog = _catalog()
    found = catalog.product(product_id)
    if found is None:
        abort(404, "This product is not in the shop (any more).")
    user_id = _signed_in_id()
    metrics = online_metrics.metrics()
    if request.args.get("rec"):  # arrived from a recommendation list: a click on it
        metrics.clicked(request.args["rec"], product_id, user_id)
    state = None
    if user_id:
        _record(user_id, Event("view", product_id))
        state = Feedback(graph()).product_state(user_id, product_id)
    similar, together = _related_rows(catalog, found)
    similar_list = metrics.served([card["id"] for card in similar], "similar_products", user_id, "product")
    together_list = metrics.served([card["id"] for card in together], "bought_together", user_id, "product")
    return render_template("shop/product.html", product=found, state=state, similar=similar, together=together,
                           similar_list=similar_list, together_list=together_list,
                           feedback_form=FeedbackForm(), error=request.args.get("error"))


def _related_rows(catalog: Catalog, product: dict[str, Any]) -> tuple[list[dict], list[dict]]:
    """'Similar items' and 'Bought together' from the recommender; while it has nothing to say,
    products of the same category fill the rows, labelled as such."""
    rows = []
    for kind in ("similar_products", "bought_together"):
        items = recommender.related_for_page(kind, product["id"], ROW_SIZE)
        items = [item for item in items if item.product_id != product["id"]]
        rows.append(recommender.shelf(items, catalog, display.display_name, current=product["id"]))
    if not all(rows):
        neighbours = catalog.same_category(product["id"], 2 * ROW_SIZE)
        for item in neighbours:
            item["reason"] = f"More in {item['category']['name']}" if item.get("category") else ""
        similar, together = rows
        similar = similar or neighbours[:ROW_SIZE]
        together = together or neighbours[ROW_SIZE:] or neighbours[:ROW_SIZE]
        rows = [similar, together]
    return rows[0], rows[1]


# -- feedback ----------------------------------------------------------------------------------------
def _record(user_id: str, event: Event) -> dict[str, Any] | None:
    result = Feedback(graph()).record(user_id, event)
    if result is not None:
        recommender.forget(user_id)
    return result


@blueprint.post("/products/<product_id>/feedback")
@login_required
def feedback(product_id: str):
    """A rating, like, dislike or cart action from a form; the same event types as ``POST /api/v1/events``."""
    form = FeedbackForm()
    back = safe_next(form.next.data, url_for("shop.product", product_id=product_id))
    if not form.validate_on_submit():
        abort(400, "The form was incomplete; please try again.")
    try:
        event = parse_event(form.type.data, product_id, form.value.data)
    except InvalidEvent as error:
        return _bad_feedback(back, error)
    result = _record(current_user.id, event)
    if result is None:
        abort(404, "This product is not in the shop (any more).")
    flash(_FEEDBACK_THANKS[event.type].format(value=event.value), "success")
    if event.type == "purchase":
        return redirect(url_for("shop.order", order_id=result["order"]["id"]), 303)
    return redirect(back, 303)


def _friendly(error: InvalidEvent) -> str:
    if error.field.endswith("value"):
        return "Please choose a rating from 1 to 5 stars." if "rating" in error.message else error.message
    return "That action is not one the shop knows."


def _bad_feedback(back: str, error: InvalidEvent):
    return render_template("error.html", status=400, title="Please check your choice", message=_friendly(error),
                           back=back), 400


# -- cart, checkout, orders, history ------------------------------------------------------------------
@blueprint.get("/cart")
@login_required
def cart():
    return render_template("shop/cart.html", cart=Cart(graph()).summary(current_user.id),
                           quantity_form=QuantityForm(), confirm_form=ConfirmForm())


@blueprint.post("/cart/<product_id>")
@login_required
def cart_quantity(product_id: str):
    """Changes how many of a product are in the cart; 0 takes it out."""
    form = QuantityForm()
    if not form.validate_on_submit():
        flash(" ".join(form.quantity.errors) or "Please enter a quantity.", "error")
        return redirect(url_for("shop.cart"), 303)
    if not Cart(graph()).set_quantity(current_user.id, product_id, form.quantity.data):
        abort(404, "That product is not in your cart.")
    recommender.forget(current_user.id)
    flash("Your cart is updated." if form.quantity.data else "Removed from your cart.", "success")
    return redirect(url_for("shop.cart"), 303)


@blueprint.route("/checkout", methods=["GET", "POST"])
@login_required
def checkout():
    form = ConfirmForm()
    carts = Cart(graph())
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400, "The form was incomplete; please try again.")
        return _place_order()
    summary = carts.summary(current_user.id)
    if not summary["lines"]:
        flash("Your cart is empty. Find something you like first!", "info")
        return redirect(url_for("shop.cart"))
    return render_template("shop/checkout.html", cart=summary, confirm_form=form)


def _place_order():
    """Checks the cart out once: a double-click, a retry or an ``Idempotency-Key`` sent again shows the order
    already placed rather than placing another."""
    user_id = current_user.id
    try:
        key = idempotency.requested_key()
    except idempotency.InvalidKey as error:
        abort(400, str(error))
    form = {name: value for name, value in request.form.items() if name != "csrf_token"}
    try:
        outcome = idempotency.write_once(f"checkout:{user_id}", key, form, lambda tx: _checkout_answer(tx, user_id),
                                          safe_to_repeat=True)
    except KeyReused:
        abort(409, "This Idempotency-Key was used for another request.")
    answer = outcome.body
    if answer["placed"] and not outcome.replayed:
        recommender.forget(user_id)
        flash("Thank you! Your order is placed.", "success")
    elif answer["order_id"]:
        flash("Your order is already placed.", "info")
    else:
        flash("Your cart is empty, so there is nothing to check out.", "info")
        return redirect(url_for("shop.cart"), 303)
    return redirect(url_for("shop.order", order_id=answer["order_id"]), 303)


def _checkout_answer(tx, user_id: str) -> tuple[int, dict[str, Any]]:
    done = checkout_tx(tx, user_id)
    order_id = done.order["id"] if done.order else done.recent_order
    return 303, {"placed": done.order is not None, "order_id": order_id}


@blueprint.get("/orders/<order_id>")
@login_required
def order(order_id: str):
    found = Cart(graph()).order(current_user.id, order_id)
    if found is None:  # unknown, or another shopper's: the same answer, so ids reveal nothing
        abort(404, "There is no such order in your account.")
    return render_template("shop/order.html", order=found)


@blueprint.get("/history")
@login_required
def history():
    feedback = Feedback(graph())
    return render_template("shop/history.html", orders=Cart(graph()).orders(current_user.id),
                           opinions=feedback.opinions(current_user.id),
                           recent=feedback.recently_viewed(current_user.id, 12), feedback_form=FeedbackForm())


def _flask_app(state: BlueprintSetupState) -> Flask:
    """The app this blueprint is registered on (typed as Flask's app base class in ``BlueprintSetupState``)."""
    if not isinstance(state.app, Flask):
        raise TypeError(f"the {state.blueprint.name} blueprint needs a Flask app, not a {type(state.app).__name__}")
    return state.app
