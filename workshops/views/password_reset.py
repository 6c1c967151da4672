"""'Forgotten your password?': staff ask for a link by email, and choose a new password."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from workshops import password_reset, tasks
from workshops.extensions import limiter
from workshops.forms import ForgottenPasswordForm
from workshops.views.password_links import PasswordLink, choose_password

bp = Blueprint("password_reset", __name__, url_prefix="/staff")

VALID_MINUTES = int(password_reset.RESET_VALID.total_seconds() // 60)
RESET_LINK = PasswordLink(
    heading="Choose a new password",
    done="Your password has been reset. Sign in with your email address and your new password.",
    problems={
        "expired": (410, "This link has expired",
                    f"Links to reset a password work for {VALID_MINUTES} minutes. Ask for a "
                    "new one."),
        "used": (410, "This link has already been used",
                 "The password has been changed since this link was sent, with this link or "
                 "another way. If you chose a new password, sign in with it. If not, ask for a "
                 "new link."),
        "invalid": (404, "This link is not right",
                    "Check that you copied the whole link from the email, or ask for a new "
                    "one."),
        "deactivated": (410, "This account has been deactivated",
                        "An administrator has deactivated the account this link is for, so it "
                        "no longer works. If you still need to sign in, ask an administrator."),
    },
    ask_again=True, reader=password_reset.user_for_reset_token,
    setter=password_reset.reset_password)


@bp.route("/forgotten-password", methods=["GET", "POST"])
@limiter.limit("5 per minute; 30 per hour", methods=["POST"])
def ask() -> ResponseReturnValue:
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        tasks.send_password_reset(form.email.data)
        # The same answer, after the same work, whether or not the address has an account.
        return render_template("auth/reset_link_sent.html", email=form.email.data,
                               valid_minutes=VALID_MINUTES)
    return render_template("auth/forgotten_password.html", form=form), \
        422 if form.errors else 200


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def choose(token: str) -> ResponseReturnValue:
    return choose_password(RESET_LINK, token)
