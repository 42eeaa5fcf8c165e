"""Accounts: sign up, sign in, sign out. Sign-in and sign-up are throttled (``webapp.throttling``)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from shopgraph.graph.users import EmailTaken, Users
from shopgraph.webapp.forms import ConfirmForm, SignInForm, SignUpForm
from shopgraph.webapp.neo4j_ext import graph
from shopgraph.webapp.security import ShopUser, hash_password, safe_next, sign_in
from shopgraph.webapp.throttling import remember_device, signin_limits, signup_limit

blueprint = Blueprint("auth", __name__)


def _start_session(user: ShopUser, remember: bool = False) -> None:
    # A new session on sign-in: whatever an attacker may have planted in the old one is dropped.
    session.clear()
    login_user(user, remember=remember)


@blueprint.route("/signup", methods=["GET", "POST"])
@signup_limit
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("shop.home"))
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            record = Users(graph()).create(form.email.data, form.name.data, hash_password(form.password.data))
        except EmailTaken:
            form.email.errors.append("An account with this email already exists. Sign in instead?")
        else:
            _start_session(ShopUser(record))
            flash(f"Welcome to ShopGraph, {current_user.first_name}!", "success")
            return redirect(url_for("shop.home"))
    return render_template("auth/signup.html", form=form), 400 if form.errors else 200


@blueprint.route("/signin", methods=["GET", "POST"])
@signin_limits
def signin():
    form = SignInForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"), "")
    if current_user.is_authenticated:
        return redirect(safe_next(form.next.data, url_for("shop.home")))
    if form.validate_on_submit():
        user = sign_in(form.email.data, form.password.data)
        if user:
            _start_session(user, remember=form.remember.data)
            # This browser is now known to the account: a stranger's failures elsewhere do not hold it back.
            return remember_device(redirect(safe_next(form.next.data, url_for("shop.home"))), form.email.data)
        form.form_errors.append("That email and password do not match an account.")
        return render_template("auth/signin.html", form=form), 401
    return render_template("auth/signin.html", form=form), 400 if form.errors else 200


@blueprint.route("/signout", methods=["GET", "POST"])
def signout():
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        logout_user()
        session.clear()
        flash("You are signed out. See you soon!", "info")
        return redirect(url_for("shop.home"))
    if not current_user.is_authenticated:
        return redirect(url_for("shop.home"))
    return render_template("auth/signout.html", form=form)
