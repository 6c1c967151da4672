"""The demo as the crawling tests use it: loaded whole, on one of its workshops' days.

The hostile-values crawl (tests/security) and the axe crawl (tests/e2e) both walk the demo,
because it holds something at every stage: a workshop on its day, bookings in each state,
practice in draft and sent, cases at every step of validation.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select

from feedback.models import Evaluation, Invitation, Submission
from validation.models import Case, CaseState
from validation.publication import publication_for
from validation.requests import amendable_sections
from workshops import demo, staff
from workshops.extensions import db
from workshops.models import Booking, Role, User, Workshop
from workshops.plugins import enabled_plugins

# The demo's North East workshop, an hour in: its check-in and walk-in pages are the day's own.
A_WORKSHOPS_DAY = datetime(2010, 3, 2, 10, 30, tzinfo=UTC)
# Links that lead to files or end the session, not to pages.
NOT_PAGES = (".pdf", ".csv", ".xlsx", ".json", ".ics", ".atom", "/logout")

Passwords = dict[str, tuple[str, str]]  # email address: (role, password)


def load(app: Flask) -> Passwords:
    """The core's demo and each enabled plugin's, as `flask demo` loads them; the staff
    accounts they made, with the passwords printed once."""
    passwords = demo.load()
    for plugin in enabled_plugins(app).values():
        if plugin.demo is not None:
            passwords.update(plugin.demo())
    return passwords


def staff_workshop_pages() -> list[str]:
    """The organiser's pages of two workshops: the day's (its check-in, where the day's forms
    are) and one still to come (whose page offers what only a workshop not yet begun does,
    such as booking someone in). The organisers' list leads to others, but not surely these."""
    today = db.session.scalar(select(Workshop.id).where(
        Workshop.starts_at.between(A_WORKSHOPS_DAY - timedelta(hours=3), A_WORKSHOPS_DAY)))
    coming = db.session.scalar(select(Workshop.id).where(
        Workshop.starts_at > A_WORKSHOPS_DAY + timedelta(days=1)).limit(1))
    return [f"/organiser/workshops/{today}/checkin", f"/organiser/workshops/{coming}"]


def credentials(passwords: Passwords, role: str) -> tuple[str, str]:
    """The email address and password of the first demo account with `role`."""
    return next((email, password) for email, (has, password) in passwords.items()
                if has == role)


def _one_of_each(rows: Iterable[tuple[str, str]]) -> list[str]:
    """The token of one row in each state, from (state, token) pairs."""
    return list({state: token for state, token in rows}.values())


def personal_links() -> list[str]:
    """The personal links the demo's emails carry, one for each state of what they are for.

    A booking confirmed, waiting, offered or cancelled; practice in draft and sent; a case at
    each stage, and where questions wait, the answer page's amendments and files (reached by
    buttons, not links) and the withdrawal; the approval page of each public text; an
    evaluation not yet given; and a new colleague's invitation to set a password, made here.
    """
    links = [f"/booking/{token}" for token in _one_of_each(db.session.execute(
        select(Booking.status, Booking.token).order_by(Booking.id)))]
    links += [f"/feedback/practice/{token}" for token in _one_of_each(db.session.execute(
        select(Submission.status, Submission.token).order_by(Submission.id)))]
    cases = db.session.scalars(select(Case).order_by(Case.id)).all()
    links += [f"/validation/respond/{token}" for token in _one_of_each(
        (case.state, case.token) for case in cases)]
    asked = next(f"/validation/respond/{c.token}" for c in cases
                 if c.state == CaseState.INFO_REQUESTED)
    links += [f"{asked}/evidence", f"{asked}/withdraw",
              *(f"{asked}/section/{section.key}" for section in amendable_sections())]
    links += [f"/validation/approve/{case.token}" for case in cases
              if publication_for(case) is not None]
    invitation = db.session.scalars(
        select(Invitation).where(~select(Evaluation.id).where(
            Evaluation.booking_id == Invitation.booking_id).exists())
        .order_by(Invitation.id)).first()
    links += [f"/feedback/invitation/{invitation.token}",
              f"/feedback/invitation/{invitation.token}/evaluation"]
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
    colleague = staff.invite("new.colleague@example.org", "New Colleague", Role.SCREENER,
                             actor=admin)
    return [*links, f"/staff/set-password/{staff.invite_token(colleague)}"]
