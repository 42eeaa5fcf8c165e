"""Accounts: sign up, sign in, sign out."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from graph.users import EmailTaken, Users
from webapp.forms import ConfirmForm, SignInForm, SignUpForm
from webapp.neo4j_ext import graph
from webapp.security import ShopUser, hash_password, safe_next, sign_in

blueprint = Blueprint("auth", __name__)


def _start_session(user: ShopUser, remember: bool = False) -> None:
    # A new session on sign-in: whatever an attacker may have planted in the old one is dropped.
    session.clear()
    login_user(user, remember=remember)


@blueprint.route("/signup", methods=["GET", "POST"])
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
def signin():
    form = SignInForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"), "")
    if current_user.is_authenticated:
        return redirect(safe_next(form.next.data, url_for("shop.home")))
    if form.validate_on_submit():
        result = sign_in(form.email.data, form.password.data)
        if result.user:
            _start_session(result.user, remember=form.remember.data)
            return redirect(safe_next(form.next.data, url_for("shop.home")))
        if result.locked_minutes:
            form.form_errors.append(
                f"Too many failed attempts for this email. Please wait {result.locked_minutes} minute"
                f"{'s' if result.locked_minutes != 1 else ''} and try again.")
            return render_template("auth/signin.html", form=form), 429
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
