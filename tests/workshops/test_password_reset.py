"""'Forgotten your password?': a link by email, which works once, for an hour."""

from __future__ import annotations

from datetime import timedelta

from flask import g
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import (
    STAFF_PASSWORD,
    Mailbox,
    login,
    mailed_path,
    make_staff,
    queue_held,
    rows_in,
    sign_in_status,
)
from workshops import password_reset, staff
from workshops.extensions import db, limiter
from workshops.models import AuditEntry, OutboxMessage, Role, User

NEW_PASSWORD = "a brand new long passphrase"
ASK = "/staff/forgotten-password"


def _ask(client: FlaskClient, email: str) -> object:
    return client.post(ASK, data={"email": email})


def _reset_path(mailbox: Mailbox, to: str) -> str:
    return mailed_path(mailbox, to, "Choose a new password")


def _fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_the_login_page_offers_a_reset(client) -> None:
    page = client.get("/staff/login").get_data(as_text=True)
    assert f'href="{ASK}">Forgotten your password?</a>' in page


def test_a_forgotten_password_is_reset_through_the_emailed_link(client, mailbox) -> None:
    organiser = make_staff(Role.ORGANISER, "dana.okafor@example.org")
    response = _ask(client, "  Dana.Okafor@Example.org ")
    assert response.status_code == 200
    assert "<h1 class=\"govuk-heading-l\">Check your email</h1>" in response.get_data(as_text=True)

    [message] = mailbox.to("dana.okafor@example.org")
    assert message["Subject"] == "Reset your password for Knowledge workshops"
    plain = message.get_body(("plain",)).get_content()
    assert "If it was not you, you can ignore this email" in plain
    link = _reset_path(mailbox, "dana.okafor@example.org")

    page = client.get(link)
    assert page.status_code == 200 and b"Choose a new password" in page.data
    assert b"dana.okafor@example.org" in page.data
    mismatch = client.post(link, data={"new": NEW_PASSWORD, "confirm": "something else"})
    assert mismatch.status_code == 422 and b'id="confirm-error"' in mismatch.data
    assert b"Passwords must match" in mismatch.data
    short = client.post(link, data={"new": "short", "confirm": "short"})
    assert short.status_code == 422 and b'id="new-error"' in short.data

    done = client.post(link, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303 and done.headers["Location"] == "/staff/login"
    assert _fresh(organiser).check_password(NEW_PASSWORD)
    [notice] = [m for m in mailbox.to("dana.okafor@example.org")
                if m["Subject"] == "Your Knowledge workshops password was changed"]
    assert "was reset through a link sent to this address" in notice.get_body(
        ("plain",)).get_content()
    assert sign_in_status(client, organiser.email, STAFF_PASSWORD) == 422
    assert sign_in_status(client, organiser.email, NEW_PASSWORD) == 303
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.entity == "user", AuditEntry.entity_id == organiser.id)).all()
    assert password_reset.SENT in actions and "reset password" in actions

    # The link has done its work.
    again = client.post(link, data={"new": "someone else's choice", "confirm":
                                    "someone else's choice"})
    assert again.status_code == 410 and b"This link has already been used" in again.data
    assert f'href="{ASK}">Ask for a new link</a>'.encode() in again.data
    assert _fresh(organiser).check_password(NEW_PASSWORD)


def test_the_answer_is_the_same_for_an_address_with_no_account(client, mailbox) -> None:
    make_staff(Role.SCREENER, "known@example.org")
    gone = make_staff(Role.SCREENER, "gone@example.org")
    gone.active = False
    db.session.commit()

    pages = {}
    for address in ("known@example.org", "nobody@example.org", "gone@example.org"):
        response = _ask(client, address)
        assert response.status_code == 200
        pages[address] = response.get_data(as_text=True).replace(address, "ADDRESS")
    assert pages["known@example.org"] == pages["nobody@example.org"] == pages["gone@example.org"]
    # Only the active account was sent a link.
    assert [m["To"] for m in mailbox.messages] == ["known@example.org"]


def test_the_form_says_what_is_wrong_beside_the_field(client, mailbox) -> None:
    for typed, message in (("", "Enter your email address"),
                           ("not an address", "Enter an email address in the correct format")):
        response = _ask(client, typed)
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert 'id="email-error"' in page and message in page
        assert page.count(message) == 2  # in the summary and beside the field
    assert not mailbox.messages


def test_a_reset_lifts_a_lockout(client, app, mailbox) -> None:
    panel = make_staff(Role.PANEL_MEMBER, "panel@example.org")
    for _ in range(app.config["LOGIN_LOCKOUT_ATTEMPTS"]):
        sign_in_status(client, panel.email, "not it")
    assert sign_in_status(client, panel.email, STAFF_PASSWORD) == 422  # locked out
    _ask(client, panel.email)
    client.post(_reset_path(mailbox, panel.email),
                data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert sign_in_status(client, panel.email, NEW_PASSWORD) == 303


def test_a_new_password_signs_out_every_other_browser(app, mailbox) -> None:
    organiser = make_staff(Role.ORGANISER)
    elsewhere, here = app.test_client(), app.test_client()
    login(elsewhere, organiser)
    assert elsewhere.get("/organiser/").status_code == 200

    _ask(here, organiser.email)
    here.post(_reset_path(mailbox, organiser.email),
              data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    g.pop("_login_user", None)
    signed_out = elsewhere.get("/organiser/")
    assert signed_out.status_code == 302 and "/staff/login" in signed_out.headers["Location"]


def test_changing_a_password_keeps_this_browser_and_signs_out_the_others(app) -> None:
    screener = make_staff(Role.SCREENER)
    elsewhere, here = app.test_client(), app.test_client()
    for client in (elsewhere, here):
        g.pop("_login_user", None)
        login(client, screener)
    g.pop("_login_user", None)
    changed = here.post("/staff/password", data={
        "current": STAFF_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert changed.status_code == 303
    g.pop("_login_user", None)
    assert here.get("/staff/password").status_code == 200
    g.pop("_login_user", None)
    assert elsewhere.get("/staff/password").status_code == 302


def test_an_expired_link_says_to_ask_again(client, app, mailbox) -> None:
    organiser = make_staff(Role.ORGANISER)
    _ask(client, organiser.email)
    link = _reset_path(mailbox, organiser.email)
    app.config["CLOCK_OFFSET"] = password_reset.RESET_VALID + timedelta(minutes=1)
    for response in (client.get(link),
                     client.post(link, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})):
        page = response.get_data(as_text=True)
        assert response.status_code == 410
        assert "<h1 class=\"govuk-heading-l\">This link has expired</h1>" in page
        assert "Links to reset a password work for 60 minutes" in page
    assert _fresh(organiser).check_password(STAFF_PASSWORD)


def test_a_tampered_link_or_an_invitation_link_is_not_a_reset_link(client, app, mailbox) -> None:
    organiser = make_staff(Role.ORGANISER)
    _ask(client, organiser.email)
    link = _reset_path(mailbox, organiser.email)
    assert client.get(link[:-3] + "abc").status_code == 404
    # An invitation's payload signed for another purpose: refused, though it names the user.
    invitation = staff.invite_token(organiser)
    response = client.get(f"/staff/reset-password/{invitation}")
    assert response.status_code == 404 and b"This link is not right" in response.data


def test_asking_does_the_same_work_for_an_account_as_for_an_unknown_address(client,
                                                                            mailbox) -> None:
    """Not only the same page: the same work, so its timing cannot tell the two apart."""
    organiser = make_staff(Role.ORGANISER)
    before = rows_in(OutboxMessage, AuditEntry)
    with queue_held() as queue:
        for address in (organiser.email, "nobody@example.org"):
            assert _ask(client, address).status_code == 200
        assert rows_in(OutboxMessage, AuditEntry) == before  # nothing written or committed
        assert queue.names() == ["send_password_reset"] * 2  # one task each, and only that
        queue.run_all()  # then a consumer does the work
    assert _reset_path(mailbox, organiser.email).startswith("/staff/reset-password/")
    assert mailbox.to("nobody@example.org") == []


def test_an_address_gets_a_few_links_an_hour_however_often_it_is_asked(client, app,
                                                                        mailbox) -> None:
    organiser = make_staff(Role.ORGANISER)
    for _ in range(password_reset.SENDS_PER_HOUR + 2):
        g.pop("_login_user", None)
        assert _ask(app.test_client(), organiser.email).status_code == 200
        limiter.reset()  # as if each came from another machine: past the form's rate limit
    assert len(mailbox.to(organiser.email)) == password_reset.SENDS_PER_HOUR
    app.config["CLOCK_OFFSET"] = timedelta(hours=1, minutes=1)
    _ask(client, organiser.email)
    assert len(mailbox.to(organiser.email)) == password_reset.SENDS_PER_HOUR + 1
