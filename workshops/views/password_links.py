"""The page a staff member reaches from a link emailed to set a password: an invitation
(staff_admin) or a password reset (password_reset). One flow, each with its own words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from workshops.forms import SetPasswordForm
from workshops.models import User
from workshops.staff import InviteLinkInvalid, StaffRefused


@dataclass(frozen=True)
class PasswordLink:
    heading: str
    done: str  # the notice on the sign-in page once the password is set
    problems: dict[str, tuple[int, str, str]]  # why -> (status, title, advice)
    ask_again: bool  # whether the holder can ask for a new link themselves
    reader: Callable[[str], User]  # the link's user, or InviteLinkInvalid
    setter: Callable[[str, str], User]  # sets the password, or InviteLinkInvalid/StaffRefused


def link_problem(link: PasswordLink, why: str) -> tuple[str, int]:
    code, title, advice = link.problems[why]
    return render_template("auth/link_problem.html", title=title, advice=advice,
                           ask_again=link.ask_again, show_sign_in=why == "used"), code


def choose_password(link: PasswordLink, token: str) -> ResponseReturnValue:
    try:
        user = link.reader(token)
    except InviteLinkInvalid as problem:
        return link_problem(link, problem.why)
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            link.setter(token, form.new.data)
        except InviteLinkInvalid as problem:
            return link_problem(link, problem.why)
        except StaffRefused as refusal:
            form.new.errors = [*form.new.errors, refusal.message]
        else:
            flash(link.done, "success")
            return redirect(url_for("auth.login"), code=303)
    return render_template("auth/set_password.html", form=form, person=user,
                           heading=link.heading), 422 if form.errors else 200
