"""Administrators' pages for staff accounts, and the page an invited person sets a password on.

`bp` (/admin/staff) is for administrators only: its one guard covers every page, including any
added later. `invite_bp` holds the set-password page, which the invited person opens before
they can sign in; the signed link is what lets them in. Each view parses its form and calls
`workshops.staff`, which holds the rules and writes the audit log.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import (
    GovSubmitInput,
    GovTextInput,
)
from sqlalchemy import case, func, or_, select
from sqlalchemy.sql import Select
from werkzeug.wrappers import Response
from wtforms import (
    EmailField,
    RadioField,
    SelectChoice,
    StringField,
    SubmitField,
)
from wtforms.validators import AnyOf, Length

from workshops import staff
from workshops.extensions import db, limiter
from workshops.form_widgets import GovEmailInput, GovRadios
from workshops.forms import ConfirmForm
from workshops.models import AuditEntry, Role, User
from workshops.organiser_fields import OrganiserForm
from workshops.validators import EmailAddress, InputRequired, readable_email, searchable, strip
from workshops.views.auth import role_required
from workshops.views.password_links import PasswordLink, choose_password

bp = Blueprint("staff_admin", __name__, url_prefix="/admin/staff")
invite_bp = Blueprint("staff_invite", __name__, url_prefix="/staff")

PER_PAGE = 25
ROLE_HINTS = {
    Role.ADMIN: "Everything an organiser can do, and managing staff accounts",
    Role.ORGANISER: "Workshops, venues, bookings, messages to delegates and printing",
    Role.SCREENER: "Screens the practice submitted after workshops",
    Role.PANEL_MEMBER: "Scores the practice the panel chair assigns them, and sees only that",
    Role.PANEL_CHAIR: "Leads the expert panel and records its decisions",
}
ROLE_ITEMS = [{"hint": {"text": ROLE_HINTS[role]}} for role in Role]


@bp.before_request
@role_required(Role.ADMIN)
def admins_only() -> None:
    """Anonymous visitors go to sign in; staff who are not administrators get 403."""
    return None


def _role_field(label: str) -> RadioField:
    return RadioField(label, widget=GovRadios(), validate_choice=False,
                      choices=[SelectChoice(role.value, role.label) for role in Role],
                      validators=[InputRequired("Choose a role"),
                                  AnyOf([role.value for role in Role], message="Choose a role")])


class InviteForm(OrganiserForm):
    name = StringField("Full name", widget=GovTextInput(), filters=[strip], validators=[
        InputRequired("Enter their full name"),
        Length(max=200, message="Full name must be 200 characters or fewer")])
    email = EmailField("Email address", widget=GovEmailInput(), filters=[readable_email],
                       description="The invitation goes here, and they sign in with it",
                       validators=[InputRequired("Enter their email address"), EmailAddress(),
                                   Length(max=staff.EMAIL_MAX, message="Email address must be "
                                          "254 characters or fewer")])
    role = _role_field("Role")
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class RoleForm(OrganiserForm):
    role = _role_field("Role")
    submit = SubmitField("Change role", widget=GovSubmitInput())


def _attach(form: OrganiserForm, refusal: staff.StaffRefused) -> None:
    target = form[refusal.field] if refusal.field and refusal.field in form else form["submit"]
    target.errors = [*target.errors, refusal.message]


def _person_page(user_id: int) -> Response:
    return redirect(url_for(".person", user_id=user_id), code=303)


# --- the list ----------------------------------------------------------------------------

# Active, then invited (no password yet), then deactivated: as the status tags read.
_STATUS = case((User.active.is_(False), 2), (User.password_hash == "", 1), else_=0)
# When each person last signed in, from the audit log (an account unused for months is one an
# administrator may want to deactivate); never, first among the oldest.
_SIGNED_IN = select(func.max(AuditEntry.at)).where(
    AuditEntry.entity == "user", AuditEntry.entity_id == User.id,
    AuditEntry.action == "signed in").correlate(User).scalar_subquery()
SORTS = {
    "name": (func.lower(User.name), "Name"),
    "email": (User.email, "Email"),
    "role": (User.role, "Role"),
    "status": (_STATUS, "Status"),
    "invited": (User.invited_at, "Last invite"),
    "signed_in": (_SIGNED_IN, "Last signed in"),
}
# Said to screen readers with the column sorted by: what the order means for that column.
SORT_ORDERS = {"status": ("active first", "deactivated first"),
               "invited": ("oldest first", "newest first"),
               "signed_in": ("oldest first", "newest first")}


def _searched(query: Select, needle: str) -> Select:
    needle = needle.lower()
    return query.where(or_(func.lower(User.name).contains(needle, autoescape=True),
                           func.lower(User.email).contains(needle, autoescape=True)))


def _list_url(**changes: object) -> str:
    args = {k: v for k, v in request.args.items() if v}
    args.update({k: v for k, v in changes.items()})
    return url_for(".index", **{k: v for k, v in args.items() if v not in (None, "")})


def _pagination(page: int, pages: int) -> dict | None:
    if pages <= 1:
        return None
    items: list[dict] = []
    for number in range(1, pages + 1):
        # First, last, and the current page with its neighbours; ellipses for the gaps.
        if number in (1, pages) or abs(number - page) <= 1:
            items.append({"number": number, "href": _list_url(page=number),
                          "current": number == page})
        elif items and not items[-1].get("ellipsis"):
            items.append({"ellipsis": True})
    params: dict = {"items": items, "landmarkLabel": "Staff list pages"}
    if page > 1:
        params["previous"] = {"href": _list_url(page=page - 1)}
    if page < pages:
        params["next"] = {"href": _list_url(page=page + 1)}
    return params


@bp.get("/")
def index() -> str:
    needle = searchable(request.args.get("q"))[:254]
    sort = request.args.get("sort") if request.args.get("sort") in SORTS else "name"
    descending = request.args.get("dir") == "desc"
    query = select(User)
    if needle:
        query = _searched(query, needle)
    total = db.session.scalar(query.with_only_columns(func.count(User.id))) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    column = SORTS[sort][0]
    # Never-set dates sort as the oldest, on both databases (they disagree about NULLs).
    ordered = column.desc().nulls_last() if descending else column.asc().nulls_first()
    # Each person with when they last signed in, in the one query that sorts the page.
    rows = db.session.execute(
        query.add_columns(_SIGNED_IN).order_by(ordered, User.id)
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    people = [person for person, _ in rows]
    headings = [{"key": key, "label": label, "current": key == sort,
                 "order": SORT_ORDERS.get(key, ("A to Z", "Z to A"))[descending],
                 # A second click on the column sorted by turns the order round.
                 "href": _list_url(sort=key, page=None,
                                   dir="desc" if key == sort and not descending else None)}
                for key, (_column, label) in SORTS.items()]
    return render_template("admin/staff.html", people=people, total=total, page=page,
                           per_page=PER_PAGE, query=needle, headings=headings,
                           descending=descending, pagination=_pagination(page, pages),
                           last_signed_in={person.id: at for person, at in rows if at})


# --- inviting ----------------------------------------------------------------------------

@bp.route("/invite", methods=["GET", "POST"])
def invite() -> ResponseReturnValue:
    form = InviteForm()
    if form.validate_on_submit():
        try:
            made = staff.invite(form.email.data, form.name.data, form.role.data,
                                actor=current_user)
        except staff.StaffRefused as refusal:
            _attach(form, refusal)
        else:
            flash(f"Invitation sent to {made.email}. The link in it works once, for "
                  f"{staff.INVITE_VALID.days} days.", "success")
            return redirect(url_for(".index"), code=303)
    return render_template("admin/staff_invite.html", form=form,
                           role_items=ROLE_ITEMS), 422 if form.errors else 200


@bp.post("/<int:user_id>/resend-invite")
def resend_invite(user_id: int) -> ResponseReturnValue:
    db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        return _person_page(user_id)  # only a stale CSRF token gets here
    try:
        user = staff.resend_invite(user_id, actor=current_user)
    except staff.StaffRefused as refusal:
        flash(refusal.message)
    else:
        flash(f"A new invitation has been sent to {user.email}. Links in earlier invitations "
              "no longer work.", "success")
    return _person_page(user_id)


# --- one person --------------------------------------------------------------------------

@bp.route("/<int:user_id>", methods=["GET", "POST"])
def person(user_id: int) -> ResponseReturnValue:
    found = db.get_or_404(User, user_id)
    form = RoleForm(data={"role": found.role})
    if form.validate_on_submit():
        try:
            changed = staff.change_role(found.id, form.role.data, actor=current_user)
        except staff.StaffRefused as refusal:
            _attach(form, refusal)
        else:
            db.session.refresh(found)
            flash(f"{found.display_name} is now {staff.role_with_article(found.role)}."
                  if changed else "Nothing was changed", "success" if changed else "info")
            if not current_user.has_role(Role.ADMIN):
                # They made themselves something else: this page is no longer theirs.
                return redirect(url_for("public.index"), code=303)
            return _person_page(found.id)
    return render_template("admin/staff_person.html", person=found, form=form,
                           role_items=ROLE_ITEMS, confirm=ConfirmForm(),
                           expires=staff.invite_expires(found)), 422 if form.errors else 200


@bp.route("/<int:user_id>/deactivate", methods=["GET", "POST"])
def deactivate(user_id: int) -> ResponseReturnValue:
    found = db.get_or_404(User, user_id)
    if not found.active:
        flash(f"{found.display_name}’s account is already deactivated.", "info")
        return _person_page(found.id)
    form = ConfirmForm()
    refusal = None
    if found.id == current_user.id:
        refusal = "You cannot deactivate your own account. Ask another administrator to do it."
    elif form.validate_on_submit():
        try:
            staff.deactivate(found.id, actor=current_user)
        except staff.StaffRefused as error:
            refusal = error.message
        else:
            flash(f"{found.display_name}’s account has been deactivated. They can no longer "
                  "sign in.", "success")
            return _person_page(found.id)
    return render_template("admin/staff_deactivate.html", person=found, form=form,
                           refusal=refusal, own=found.id == current_user.id), \
        422 if refusal and request.method == "POST" else 200


@bp.route("/<int:user_id>/reactivate", methods=["GET", "POST"])
def reactivate(user_id: int) -> ResponseReturnValue:
    found = db.get_or_404(User, user_id)
    if found.active:
        flash(f"{found.display_name}’s account is already active.", "info")
        return _person_page(found.id)
    form = ConfirmForm()
    if form.validate_on_submit():
        staff.reactivate(found.id, actor=current_user)
        # Someone deactivated before they set a password has none to sign in with.
        then = ("They can sign in again with their password." if found.password_hash else
                "They have not set a password yet: send them a new invitation.")
        flash(f"{found.display_name}’s account has been reactivated. {then}", "success")
        return _person_page(found.id)
    return render_template("admin/staff_reactivate.html", person=found, form=form,
                           role=staff.role_with_article(found.role))


# --- setting a password from an invitation -----------------------------------------------

INVITE_LINK = PasswordLink(
    heading="Set your password",
    done="Your password has been set. Sign in with your email address and your new password.",
    problems={
        "expired": (410, "This link has expired",
                    f"Links to set a password work for {staff.INVITE_VALID.days} days. Ask the "
                    "administrator who invited you to send a new invitation."),
        "used": (410, "This link has already been used",
                 "A password has already been set with this link, or a newer invitation has "
                 "replaced it. If you set your password, sign in. If not, use the link in the "
                 "newest invitation, or ask an administrator to send a new one."),
        "invalid": (404, "This link is not right",
                    "Check that you copied the whole link from the email, or ask an "
                    "administrator to send a new invitation."),
        "deactivated": (410, "This account has been deactivated",
                        "An administrator has deactivated the account this link is for, so it "
                        "no longer works. If you still need to sign in, ask an administrator."),
    },
    ask_again=False, reader=staff.user_for_token, setter=staff.set_password)


@invite_bp.route("/set-password/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def set_password(token: str) -> ResponseReturnValue:
    return choose_password(INVITE_LINK, token)
