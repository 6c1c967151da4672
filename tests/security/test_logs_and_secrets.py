"""Secrets stay secret: passwords are hashed, personal links are compared in constant time and
never guessed by a near miss, and no log record carries an address, a name or a token."""

from __future__ import annotations

import inspect
import logging
import re

import pytest
from sqlalchemy import select, text

from feedback import submissions
from feedback.models import Submission
from tests.conftest import STAFF_PASSWORD, delegate_form, make_staff, make_workshop
from tests.security import visitor
from workshops import create_app
from workshops.extensions import db
from workshops.models import Booking, Role, User
from workshops.views import booking as booking_views

# Loggers that print SQL parameters or SMTP envelopes only when someone turns them on to debug
# the library itself; production leaves them at WARNING.
THIRD_PARTY_DEBUG = ("sqlalchemy", "aiosmtpd", "mail.log", "asyncio")


# --- passwords -------------------------------------------------------------------------------

def test_staff_passwords_are_stored_as_salted_hashes(app):
    one = make_staff(Role.ORGANISER, "one@example.org")
    two = make_staff(Role.SCREENER, "two@example.org")
    stored = dict(db.session.execute(text("SELECT email, password_hash FROM users")).all())
    for value in stored.values():
        assert STAFF_PASSWORD not in value
        assert value.startswith(("scrypt:", "pbkdf2:")), value[:20]
    assert stored[one.email] != stored[two.email], "the same password, salted apart"


def test_the_shipped_app_hashes_with_scrypt_and_no_setting_weakens_it(app, monkeypatch):
    monkeypatch.setenv("PASSWORD_HASH_METHOD", "plain")
    shipped = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    with shipped.app_context():
        user = User(email="real@example.org", role=Role.ORGANISER)
        user.set_password(STAFF_PASSWORD)
        assert user.password_hash.startswith("scrypt:")
        assert user.check_password(STAFF_PASSWORD) and not user.check_password("guess")


def test_a_password_change_stores_a_new_hash_not_the_text(app):
    user = make_staff(Role.ORGANISER, "changer@example.org")
    client = visitor(app, "10.70.0.1")
    assert client.post("/staff/login", data={"email": user.email,
                                             "password": STAFF_PASSWORD}).status_code == 303
    new = "a much longer new passphrase"
    response = client.post("/staff/password", data={"current": STAFF_PASSWORD, "new": new,
                                                     "confirm": new})
    assert response.status_code == 303
    stored = db.session.execute(text("SELECT password_hash FROM users WHERE email = :e"),
                                {"e": user.email}).scalar_one()
    assert new not in stored and stored.startswith(("scrypt:", "pbkdf2:"))


# --- personal links --------------------------------------------------------------------------

def test_booking_links_are_looked_up_by_index_then_compared_in_constant_time():
    source = inspect.getsource(booking_views.booking_for_link)
    assert "hmac.compare_digest" in source
    assert "Booking.token == token" in source  # the indexed unique column


def test_personal_links_are_long_random_and_near_misses_find_nothing(app):
    workshop = make_workshop()
    client = visitor(app, "10.70.0.2")
    assert client.post(f"/series/{workshop.series.slug}/{workshop.region}/book",
                       data=delegate_form()).status_code == 303
    made = db.session.scalar(select(Booking))
    assert len(made.token) >= 32
    draft = submissions.draft_for_booking(made)
    assert len(draft.token) >= 32 and draft.token != made.token
    token = made.token
    near_misses = [token[:-1], token + "a", token.upper() if token.upper() != token else
                   token.lower(), token[:-1] + ("A" if token[-1] != "A" else "B"),
                   f"{token[:16]}%", f"{token[:16]}*", token[:16], " " + token, token + "\x00"]
    for guess in near_misses:
        assert client.get(f"/booking/{guess}").status_code == 404, guess
        assert client.get(f"/packs/booking/{guess}.pdf").status_code == 404, guess
    assert client.get(f"/booking/{token}").status_code == 200


# --- logs ------------------------------------------------------------------------------------

def _leaks(records: list[logging.LogRecord], secrets: list[str]) -> list[str]:
    found = []
    for record in records:
        if record.name.startswith(THIRD_PARTY_DEBUG):
            continue
        rendered = record.getMessage() + (record.exc_text or "")
        if record.exc_info:
            rendered += logging.Formatter().formatException(record.exc_info)
        for secret in secrets:
            if secret.lower() in rendered.lower():
                found.append(f"{record.name} {record.levelname}: {rendered[:200]!r} has {secret!r}")
    return found


@pytest.fixture()
def debug_logs(caplog):  # noqa: ANN001, ANN201
    caplog.set_level(logging.DEBUG)
    for name in THIRD_PARTY_DEBUG:
        logging.getLogger(name).setLevel(logging.WARNING)
    return caplog


def test_no_address_name_or_token_in_the_logs(app, mailbox, debug_logs):
    name, email = "Zebedee Quuxley", "zebedee.quuxley@example.org"
    workshop = make_workshop()
    client = visitor(app, "10.70.0.3")
    response = client.post(f"/series/{workshop.series.slug}/{workshop.region}/book",
                           data=delegate_form(name=name, email=email,
                                              organisation="Quuxley Borough Council"))
    assert response.status_code == 303
    made = db.session.scalar(select(Booking).where(Booking.email == email))
    client.get(f"/booking/{made.token}")
    assert client.post("/booking/links", data={"email": email}).status_code == 200

    # A submission: from the booking's own page, a section saved, and a public start.
    assert client.post(f"/feedback/booking/{made.token}", data={}).status_code == 303
    draft = db.session.scalar(select(Submission).where(Submission.booking_id == made.id))
    client.post(f"/feedback/practice/{draft.token}/section/about", data={
        "title": "Quuxley chronology clinic", "organisation": "Quuxley Borough Council",
        "local_authority": "Quuxley", "region": "north-east", "partners": "Health"})
    public_email = "sharer.quuxley@example.org"
    assert client.post("/feedback/practice/start", data={"email": public_email}).status_code \
        == 200
    public = db.session.scalar(select(Submission).where(Submission.email == public_email))

    # A login, a failed one, and a lockout.
    staff = make_staff(Role.ORGANISER, "staff.quuxley@example.org")
    for n in range(app.config["LOGIN_LOCKOUT_ATTEMPTS"]):
        visitor(app, f"10.70.1.{n + 1}").post("/staff/login", data={
            "email": staff.email, "password": f"wrong-{n}"})
    other = make_staff(Role.ORGANISER, "other.quuxley@example.org")
    assert visitor(app, "10.70.2.1").post("/staff/login", data={
        "email": other.email, "password": STAFF_PASSWORD}).status_code == 303

    # A forgotten password, reset through the emailed link.
    resetter = visitor(app, "10.70.2.2")
    assert resetter.post("/staff/forgotten-password", data={"email": staff.email}
                         ).status_code == 200
    [reset_mail] = mailbox.to(staff.email)
    reset_token = re.search(r"/staff/reset-password/(\S+)",
                            reset_mail.get_body(("plain",)).get_content()).group(1)
    new_password = "a new quuxley passphrase"
    assert resetter.post(f"/staff/reset-password/{reset_token}", data={
        "new": new_password, "confirm": new_password}).status_code == 303

    assert mailbox.messages, "the booking's mail went out (so its sending was logged, if ever)"
    secrets = [name, "Quuxley", email, public_email, staff.email, other.email, made.token,
               draft.token, public.token, STAFF_PASSWORD, "wrong-0", reset_token, new_password]
    leaks = _leaks(debug_logs.records, secrets)
    assert not leaks, "\n".join(leaks)


def test_a_refused_recipient_is_not_written_to_the_log(app, mailbox, debug_logs, monkeypatch):
    """The mail server's refusal names the address; the log line must not repeat it."""

    async def handle_RCPT(server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN202, N802
        return "550 5.1.1 mailbox unavailable"

    monkeypatch.setattr(mailbox, "handle_RCPT", handle_RCPT, raising=False)
    email = "refused.quuxley@example.org"
    workshop = make_workshop()
    response = visitor(app, "10.70.3.1").post(
        f"/series/{workshop.series.slug}/{workshop.region}/book",
        data=delegate_form(name="Refused Quuxley", email=email))
    assert response.status_code == 303
    assert not mailbox.messages
    warnings = [r for r in debug_logs.records if r.name.startswith("workshops.mail")]
    assert warnings, "the failed sending is logged"
    leaks = _leaks(debug_logs.records, [email, "Refused Quuxley"])
    assert not leaks, "\n".join(leaks)


def test_users_table_holds_no_plain_password_column(app):
    columns = {c.name for c in User.__table__.columns}
    assert "password" not in columns and "password_hash" in columns
