"""The shop's forms. Each carries a CSRF token (Flask-WTF); limits match what the graph accepts."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, NumberRange, ValidationError

from shopgraph.graph.cart import MAX_CART_QUANTITY
from shopgraph.webapp.security import MAX_PASSWORD_LENGTH, password_problem

MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 80


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class SignUpForm(FlaskForm):
    email = EmailField("Email", filters=[_strip], validators=[
        DataRequired("Enter your email address."),
        Length(max=MAX_EMAIL_LENGTH, message=f"Use at most {MAX_EMAIL_LENGTH} characters."),
        Email("Enter an email address like name@example.com."),
    ])
    name = StringField("Your name", filters=[_strip], validators=[
        DataRequired("Tell us what to call you."),
        Length(max=MAX_NAME_LENGTH, message=f"Use at most {MAX_NAME_LENGTH} characters."),
    ])
    password = PasswordField("Password", validators=[DataRequired("Choose a password.")])
    confirm = PasswordField("Repeat the password", validators=[
        DataRequired("Repeat the password."), EqualTo("password", "The two passwords differ."),
    ])

    def validate_password(self, field: PasswordField) -> None:
        problem = password_problem(field.data or "", self.email.data)
        if problem:
            raise ValidationError(problem)


class SignInForm(FlaskForm):
    email = EmailField("Email", filters=[_strip], validators=[
        DataRequired("Enter your email address."), Length(max=MAX_EMAIL_LENGTH, message="That email is too long."),
    ])
    password = PasswordField("Password", validators=[
        DataRequired("Enter your password."),
        Length(max=MAX_PASSWORD_LENGTH, message="That password is too long."),
    ])
    remember = BooleanField("Keep me signed in on this device")
    next = HiddenField()


class FeedbackForm(FlaskForm):
    """A rating, like, dislike or cart action from a product page (the same event types as the API)."""

    type = HiddenField(validators=[DataRequired()])
    value = StringField()
    next = HiddenField()


class QuantityForm(FlaskForm):
    quantity = IntegerField("Quantity", validators=[
        InputRequired("Enter a quantity."),
        NumberRange(0, MAX_CART_QUANTITY, f"Choose from 0 (remove) to {MAX_CART_QUANTITY}."),
    ])


class ConfirmForm(FlaskForm):
    """A button and its CSRF token (checkout, sign out)."""
