"""With CSRF protection on (as in production), a forged POST to any state-changing route is
refused with the designed 400 page before anything changes."""

from __future__ import annotations

import pytest
from flask import g
from sqlalchemy import func, select

from tests.conftest import STAFF_PASSWORD, delegate_form, make_staff, make_workshop
from tests.test_access_matrix import _rules, _url
from workshops import booking
from workshops.extensions import db
from workshops.models import AuditEntry, Booking, BookingStatus, OutboxMessage, Role

# Routes that deliberately take a POST without a token. None today: keep it that way, or say
# here why a route may be forged.
EXEMPT: set[str] = set()

DESIGNED_400 = "The form had expired or was sent from another page"


@pytest.fixture()
def app_overrides() -> dict:
    return {"WTF_CSRF_ENABLED": True}


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _post_rules(app) -> list:  # noqa: ANN001
    return [r for r in _rules(app) if "POST" in r.methods and r.endpoint not in EXEMPT]


def test_every_post_route_is_checked(app):
    endpoints = {r.endpoint for r in _post_rules(app)}
    # Spot-check that the generated list reaches every blueprint that takes forms.
    for expected in ("public.book", "booking.links", "auth.login", "feedback.start",
                     "feedback.practice_upload", "organiser.new_series", "packs.print_job_start",
                     "validation.respond", "staff_admin.invite"):
        assert expected in endpoints
    assert len(endpoints) > 40


@pytest.mark.parametrize("signed_in_as", [None, Role.ADMIN])
def test_a_post_without_a_token_gets_the_designed_400(app, signed_in_as):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.30.0.{1 if signed_in_as is None else 2}"
    if signed_in_as is not None:
        # Sign in with the token the login page hands out, as a browser would.
        user = make_staff(signed_in_as, "csrf-admin@example.org")
        page = client.get("/staff/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        response = client.post("/staff/login", data={
            "email": user.email, "password": STAFF_PASSWORD, "csrf_token": token})
        assert response.status_code == 303
        g.pop("_login_user", None)
    audit_before, outbox_before = _count(AuditEntry), _count(OutboxMessage)
    problems = []
    for rule in _post_rules(app):
        url = _url(rule)
        g.pop("_login_user", None)
        response = client.post(url, data={"submit": "y", "confirmed": "yes"})
        body = response.get_data(as_text=True)
        if response.status_code != 400 or DESIGNED_400 not in body:
            problems.append(f"POST {url} ({rule.endpoint}): {response.status_code}")
    assert not problems, "\n".join(problems)
    assert _count(AuditEntry) == audit_before and _count(OutboxMessage) == outbox_before


def test_forged_booking_cancellation_and_booking_change_nothing(app, client, mailbox):
    workshop = make_workshop()
    made = booking.book(workshop.id, booking.Delegate(
        name="Jo Bloggs", email="jo@example.org", organisation="Council"))
    mailbox.clear()
    for url, data in ((f"/booking/{made.token}/cancel", {"submit": "Confirm"}),
                      (f"/booking/{made.token}/change", delegate_form(name="Forged")),
                      (f"/series/{workshop.series.slug}/{workshop.region}/book",
                       delegate_form(email="forged@example.org"))):
        response = client.post(url, data=data)
        assert response.status_code == 400, url
        assert DESIGNED_400 in response.get_data(as_text=True)
    db.session.expire_all()
    kept = db.session.get(Booking, made.id)
    assert kept.status == BookingStatus.CONFIRMED and kept.name == "Jo Bloggs"
    assert _count(Booking) == 1
    assert mailbox.messages == []


def test_a_wrong_token_is_refused_too(app, client):
    response = client.post("/booking/links", data={"email": "a@example.org",
                                                   "csrf_token": "forged"})
    assert response.status_code == 400
    assert DESIGNED_400 in response.get_data(as_text=True)


def test_a_form_with_its_token_still_works(app, client, mailbox):
    page = client.get("/booking/links").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/booking/links", data={"email": "a@example.org",
                                                   "csrf_token": token})
    assert response.status_code == 200
