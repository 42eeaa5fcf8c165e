"""The merchandiser's dashboard at /merch (role merchandiser), and the Neo4j Browser guide at /guide.

- Overview: activity per day, best sellers, the latest offline evaluation, recommendation click-through.
- Shoppers: any shopper's recommendations with their reasons, before and after the merchandiser rules.
- Products: a product's neighbourhood in the graph, drawn as a picture.
- Rules: pin, boost, bury and exclude products, categories or brands; create, switch off, delete.
- Experiments: A/B tests between two strategies, with click-through and conversion per variant.

Every form carries a CSRF token; every write is followed by a redirect (so a reload never repeats it).
The guide is public: the Neo4j Browser fetches it from another origin, without the shopper's cookies.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from shopgraph.graph.events import MAX_ID_LENGTH
from shopgraph.graph.experiments import CONVERSION_WINDOW_HOURS, Experiments, InvalidExperiment, RecommendationLists
from shopgraph.graph.merch_stats import MerchStats
from shopgraph.graph.rules import (
    KINDS,
    MAX_NOTE_LENGTH,
    MAX_TARGET_LENGTH,
    TARGET_TYPES,
    InvalidRule,
    Rules,
    check_rule,
)
from shopgraph.graph.users import Users
from shopgraph.models.serving import DEFAULT_STRATEGY
from shopgraph.webapp import guide, merchandising, online_metrics, recommender
from shopgraph.webapp.forms import ConfirmForm
from shopgraph.webapp.graph_picture import bar_chart
from shopgraph.webapp.neo4j_ext import graph
from shopgraph.webapp.security import merchandiser_required

blueprint = Blueprint("merch", __name__)
blueprint.record_once(lambda state: merchandising.init_app(_flask_app(state)))
blueprint.record_once(lambda state: online_metrics.init_app(_flask_app(state)))

ACTIVITY_DAYS = 30
CLICK_THROUGH_DAYS = 30
INSPECT_K = 10
ACTIVITY_COLOURS = {"purchases": "#0f6466", "views": "#34508a", "carts": "#c77b30", "opinions": "#7a3563"}
ACTIVITY_NAMES = {"purchases": "Purchases (orders)", "views": "Views", "carts": "Carts (still open)",
                  "opinions": "Ratings and likes"}


class RuleForm(FlaskForm):
    kind = SelectField("What to do", choices=[
        SelectChoice("pin", "Pin to the top"), SelectChoice("boost", "Boost"), SelectChoice("bury", "Bury"),
        SelectChoice("exclude", "Exclude")])
    target_type = SelectField("Aimed at", choices=[
        SelectChoice("product", "A product (by id)"),
        SelectChoice("category", "A category (by id, with everything below it)"),
        SelectChoice("brand", "A brand (by name)")])
    target_id = StringField("Product id, category id or brand name", validators=[Length(max=MAX_TARGET_LENGTH)])
    weight = StringField("Weight")
    starts_at = StringField("From (optional)", render_kw={"type": "date"})
    ends_at = StringField("Until (optional)", render_kw={"type": "date"})
    note = StringField("Note (optional)", validators=[Length(max=MAX_NOTE_LENGTH)])


class ExperimentForm(FlaskForm):
    name = StringField("Name", validators=[Length(max=80)])
    strategy_a = SelectField("Strategy A", default=DEFAULT_STRATEGY)
    strategy_b = SelectField("Strategy B", default="hybrid" if DEFAULT_STRATEGY != "hybrid" else "multi")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Strategy files come and go without a restart, so the choices are the shop's strategies now.
        self.strategy_a.choices = self.strategy_b.choices = [SelectChoice(s) for s in _strategies()]


def _strategies() -> tuple[str, ...]:
    """The strategies the shop serves: the built-in ones, then its strategy files."""
    return recommender.service().strategy_names()


def _nav() -> list[tuple[str, str]]:
    return [("merch.overview", "Overview"), ("merch.shoppers", "Shoppers"), ("merch.products", "Products"),
            ("merch.rules", "Rules"), ("merch.experiments", "Experiments")]


@blueprint.app_context_processor
def _merch_nav() -> dict[str, Any]:
    return {"merch_nav": _nav}


# -- overview ------------------------------------------------------------------------------------------
@blueprint.get("/merch")
@merchandiser_required
def overview():
    stats = MerchStats(graph())
    window = stats.window(ACTIVITY_DAYS)
    activity, charts, top_products, top_categories, missing = None, [], [], [], []
    if window is not None:
        activity = stats.activity(window)
        missing = [name for kind, name in ACTIVITY_NAMES.items() if kind not in activity["kinds"]]
        for kind in activity["kinds"]:
            bars = [(day["day"].strftime("%d %b"), day[kind]) for day in activity["days"]]
            charts.append({"kind": kind, "name": ACTIVITY_NAMES[kind], "total": activity["totals"][kind],
                           "svg": bar_chart(bars, f"{ACTIVITY_NAMES[kind]} per day", ACTIVITY_COLOURS[kind])})
        top_products = stats.top_products(window.since)
        top_categories = stats.top_categories(window.since)
    since = datetime.now(UTC) - timedelta(days=CLICK_THROUGH_DAYS)
    click_through = RecommendationLists(graph()).click_through(since)
    experiment = online_metrics.metrics().experiments.active()
    return render_template("merch/overview.html", window=window, activity=activity, charts=charts,
                           activity_names=ACTIVITY_NAMES, missing=missing, top_products=top_products,
                           top_categories=top_categories,
                           reports=merchandising.evaluation_reports(), click_through=click_through,
                           click_through_days=CLICK_THROUGH_DAYS, experiment=experiment)


@blueprint.get("/merch/reports/<name>")
@merchandiser_required
def report_plot(name: str):
    path = merchandising.report_plot_path(name)
    if path is None:
        abort(404, "There is no such evaluation plot.")
    return send_file(path, mimetype="image/png", max_age=60)


# -- a shopper's recommendations, before and after the rules -------------------------------------------
@blueprint.get("/merch/shoppers")
@merchandiser_required
def shoppers():
    user_id = (request.args.get("user_id") or "").strip()[:MAX_ID_LENGTH] or None
    strategies = _strategies()
    strategy = request.args.get("strategy", DEFAULT_STRATEGY)
    strategy = strategy if strategy in strategies else DEFAULT_STRATEGY
    stats = MerchStats(graph())
    shopper, lists, unknown = None, None, False
    if user_id is not None:
        shopper = Users(graph()).by_id(user_id)
        if shopper is None:
            unknown = True
        else:
            lists = merchandising.before_and_after(user_id, INSPECT_K, strategy)
    elif request.args.get("visitor"):
        lists = merchandising.before_and_after(None, INSPECT_K, strategy)
    return render_template("merch/shoppers.html", user_id=user_id, shopper=shopper, unknown=unknown, lists=lists,
                           strategy=strategy, strategies=strategies, suggestions=stats.active_shoppers(),
                           visitor=bool(request.args.get("visitor")) and user_id is None), (404 if unknown else 200)


# -- a product's neighbourhood ---------------------------------------------------------------------------
@blueprint.get("/merch/products")
@merchandiser_required
def products():
    product_id = (request.args.get("product_id") or "").strip()[:MAX_ID_LENGTH] or None
    found, picture = None, None
    if product_id is not None:
        found = MerchStats(graph()).neighbourhood(product_id)
        if found is not None:
            picture = merchandising.neighbourhood_picture(found)
    stats = MerchStats(graph())
    window = stats.window(ACTIVITY_DAYS)
    suggestions = stats.top_products(window.since, 8) if window else []
    status = 404 if product_id is not None and found is None else 200
    return render_template("merch/products.html", product_id=product_id, found=found, picture=picture,
                           suggestions=suggestions), status


# -- rules ---------------------------------------------------------------------------------------------
@blueprint.get("/merch/rules")
@merchandiser_required
def rules():
    return _rules_page(RuleForm())


def _rules_page(form: RuleForm, status: int = 200):
    return render_template("merch/rules.html", form=form, rules=Rules(graph()).all(), confirm_form=ConfirmForm(),
                           kinds=KINDS, target_types=TARGET_TYPES), status


@blueprint.post("/merch/rules")
@merchandiser_required
def create_rule():
    form = RuleForm()
    if not form.validate_on_submit():
        return _rules_page(form, 400)
    try:
        draft = check_rule(form.kind.data, form.target_type.data, form.target_id.data, form.weight.data,
                           form.starts_at.data, form.ends_at.data, form.note.data)
        rule = Rules(graph()).create(draft)
    except InvalidRule as error:
        getattr(form, error.field).errors = [*getattr(form, error.field).errors, error.message]
        return _rules_page(form, 400)
    merchandising.rules_changed()
    flash(f"Rule created: {rule['kind']} {rule['target']['type']} {rule['target']['name'] or rule['target']['id']}.",
          "success")
    return redirect(url_for("merch.rules"), 303)


@blueprint.post("/merch/rules/<rule_id>/switch")
@merchandiser_required
def switch_rule(rule_id: str):
    _require_confirmed()
    rules_repo = Rules(graph())
    rule = rules_repo.get(rule_id)
    if rule is None:
        abort(404, "There is no such rule (any more).")
    rules_repo.set_active(rule_id, not rule["active"])
    merchandising.rules_changed()
    flash("Rule switched off." if rule["active"] else "Rule switched on.", "success")
    return redirect(url_for("merch.rules"), 303)


@blueprint.post("/merch/rules/<rule_id>/delete")
@merchandiser_required
def delete_rule(rule_id: str):
    _require_confirmed()
    if not Rules(graph()).delete(rule_id):
        abort(404, "There is no such rule (any more).")
    merchandising.rules_changed()
    flash("Rule deleted.", "success")
    return redirect(url_for("merch.rules"), 303)


def _require_confirmed() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400, "The form was incomplete; please try again.")


# -- experiments -----------------------------------------------------------------------------------------
@blueprint.get("/merch/experiments")
@merchandiser_required
def experiments():
    return _experiments_page(ExperimentForm())


def _experiments_page(form: ExperimentForm, status: int = 200):
    repository = online_metrics.metrics().experiments
    listed = [{**experiment, "results": repository.results(experiment)} for experiment in repository.all()]
    return render_template("merch/experiments.html", form=form, experiments=listed, confirm_form=ConfirmForm(),
                           window_hours=CONVERSION_WINDOW_HOURS), status


@blueprint.post("/merch/experiments")
@merchandiser_required
def create_experiment():
    form = ExperimentForm()
    if not form.validate_on_submit():
        return _experiments_page(form, 400)
    try:
        experiment = Experiments(graph()).create(form.name.data, form.strategy_a.data, form.strategy_b.data,
                                                 _strategies())
    except InvalidExperiment as error:
        getattr(form, error.field).errors = [*getattr(form, error.field).errors, error.message]
        return _experiments_page(form, 400)
    flash(f"Experiment “{experiment['name']}” created. Start it when you are ready.", "success")
    return redirect(url_for("merch.experiments"), 303)


@blueprint.post("/merch/experiments/<experiment_id>/switch")
@merchandiser_required
def switch_experiment(experiment_id: str):
    _require_confirmed()
    start = request.form.get("start") == "1"
    if not Experiments(graph()).set_active(experiment_id, start):
        abort(404, "There is no such experiment (any more).")
    online_metrics.metrics().forget_experiment()
    flash("Experiment started: shoppers are now split between its strategies." if start
          else "Experiment stopped: every shopper gets the default strategy again.", "success")
    return redirect(url_for("merch.experiments"), 303)


@blueprint.post("/merch/experiments/<experiment_id>/delete")
@merchandiser_required
def delete_experiment(experiment_id: str):
    _require_confirmed()
    if not Experiments(graph()).delete(experiment_id):
        abort(404, "There is no such experiment (any more).")
    online_metrics.metrics().forget_experiment()
    flash("Experiment deleted (the lists it served keep their variant).", "success")
    return redirect(url_for("merch.experiments"), 303)


# -- the Neo4j Browser guide -------------------------------------------------------------------------------
@blueprint.route("/guide", methods=["GET", "OPTIONS"])
def browser_guide():
    """The Browser guide (``:play http://<shop>/guide`` in the Neo4j Browser). The Browser fetches it with
    headers that need a CORS preflight, so OPTIONS answers too; the guide is public and sent without cookies."""
    if request.method == "OPTIONS":
        response = make_response("", 204)
    else:
        # The shop's own strategy files, so the guide offers what the shop serves (and reloads as it does).
        contents = guide.contents(graph(), recommender.service().strategy_files)
        response = make_response(render_template("merch/guide.html", **contents))
        response.headers["Content-Type"] = "text/html; charset=utf-8"
    allowed = current_app.config.get("GUIDE_CORS_ORIGINS", "*")
    response.headers["Access-Control-Allow-Origin"] = allowed
    response.headers["Access-Control-Allow-Methods"] = "GET, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = request.headers.get(
        "Access-Control-Request-Headers", "pragma, cache-control")
    response.headers["Access-Control-Max-Age"] = "600"
    response.headers["Cache-Control"] = "no-cache"
    return response


def _flask_app(state: BlueprintSetupState) -> Flask:
    """The app this blueprint is registered on (typed as Flask's app base class in ``BlueprintSetupState``)."""
    if not isinstance(state.app, Flask):
        raise TypeError(f"the {state.blueprint.name} blueprint needs a Flask app, not a {type(state.app).__name__}")
    return state.app
