"""Staff accounts: the CLI, sign in with a lockout, sign out, password change."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import STAFF_PASSWORD, _empty_tables, app_config, login, make_staff
from workshops import create_app
from workshops.extensions import db
from workshops.models import AuditEntry, Role, User


def test_cli_creates_a_user_after_prompting_for_a_password(app) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "Chair@Example.org", "--role",
                                 "panel-chair"], input="a long enough secret\n" * 2)
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "chair@example.org"))
    assert user.role == "panel-chair" and user.check_password("a long enough secret")
    assert "a long enough secret" not in user.password_hash


def test_cli_refuses_short_passwords_and_duplicates(app) -> None:
    runner = app.test_cli_runner()
    short = runner.invoke(args=["users", "create", "a@example.org", "--role", "admin"],
                          input="short\nshort\n")
    assert short.exit_code != 0 and "12 characters" in short.output
    pasted = runner.invoke(args=["users", "create", "a@example.org", "--role", "admin"],
                           input=("y" * 257 + "\n") * 2)
    assert pasted.exit_code != 0 and "256 characters or fewer" in pasted.output
    assert db.session.scalar(select(User).where(User.email == "a@example.org")) is None
    make_staff(Role.ADMIN, "b@example.org")
    again = runner.invoke(args=["users", "create", "b@example.org", "--role", "admin"],
                          input="a long enough secret\n" * 2)
    assert again.exit_code != 0 and "already has an account" in again.output


def test_sign_in_and_out(client) -> None:
    organiser = make_staff(Role.ORGANISER)
    assert client.get("/organiser/").status_code == 302
    login(client, organiser)
    assert client.get("/organiser/").status_code == 200
    client.get("/staff/logout")
    assert client.get("/organiser/").status_code == 302


def test_wrong_password_is_refused_beside_the_field(client) -> None:
    make_staff(Role.ORGANISER)
    response = client.post("/staff/login", data={"email": "organiser@example.org",
                                                 "password": "wrong"})
    assert response.status_code == 422
    assert b'id="email-error"' in response.data


def test_lockout_after_repeated_failures_even_with_the_right_password(client, app) -> None:
    make_staff(Role.ORGANISER)
    for _ in range(app.config["LOGIN_LOCKOUT_ATTEMPTS"]):
        client.post("/staff/login", data={"email": "organiser@example.org", "password": "no"})
    right = {"email": "organiser@example.org", "password": STAFF_PASSWORD}
    assert client.post("/staff/login", data=right).status_code == 422
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "locked out"))
    app.config["CLOCK_OFFSET"] = timedelta(minutes=app.config["LOGIN_LOCKOUT_MINUTES"] + 1)
    assert client.post("/staff/login", data=right).status_code == 303


def test_deactivated_staff_cannot_sign_in(client) -> None:
    user = make_staff(Role.ORGANISER)
    user.active = False
    db.session.commit()
    response = client.post("/staff/login", data={"email": user.email,
                                                 "password": STAFF_PASSWORD})
    assert response.status_code == 422


def test_next_parameter_cannot_redirect_off_site(client) -> None:
    make_staff(Role.ORGANISER)
    response = client.post("/staff/login?next=//evil.example/", data={
        "email": "organiser@example.org", "password": STAFF_PASSWORD})
    assert response.headers["Location"] == "/organiser/"


# Each role's first page after signing in, with every plugin enabled; before this, everyone
# but organisers landed on the organisers' dashboard and was refused it.
LANDING = [(Role.ADMIN, "/organiser/"), (Role.ORGANISER, "/organiser/"),
           (Role.SCREENER, "/validation/"), (Role.PANEL_MEMBER, "/validation/panel"),
           (Role.PANEL_CHAIR, "/validation/panel")]


@pytest.mark.parametrize(("role", "home"), LANDING)
def test_each_role_lands_on_a_page_it_may_open(client, role: Role, home: str) -> None:
    user = make_staff(role, f"{role}@example.org")
    response = client.post("/staff/login", data={"email": user.email,
                                                 "password": STAFF_PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == home
    page = client.get(home)
    assert page.status_code == 200
    # One navigation item is current, its own: /validation/panel is not also /validation/'s.
    current = re.findall(r'service-navigation__item--active">\s*<a[^>]*href="([^"]+)"', page.text)
    assert current == [home]


NAVIGATION = {
    Role.ORGANISER: ["Workshops", "Organise", "Submissions", "Practice library",
                     "Validation figures", "Sign out"],
    # The admin's validation page leads to the figures: one link fewer keeps the menu short.
    Role.ADMIN: ["Workshops", "Organise", "Submissions", "Practice library", "Validation",
                 "Panel", "Sign out"],
    Role.SCREENER: ["Workshops", "Submissions", "Practice library", "Validation", "Sign out"],
}


@pytest.mark.parametrize("role", list(NAVIGATION))
def test_each_role_sees_the_navigation_it_can_use(client, role: Role) -> None:
    login(client, make_staff(role, f"{role}@example.org"))
    page = client.get("/").text
    nav = page.split('class="govuk-service-navigation__list"', 1)[1].split("</ul>", 1)[0]
    links = re.findall(r'class="govuk-service-navigation__link"[^>]*>(.*?)</a>', nav, re.S)
    assert [re.sub(r"<[^>]+>", "", link).strip() for link in links] == NAVIGATION[role]


def test_without_plugins_validation_staff_land_on_the_public_list(migrated,
                                                                  smtp_server) -> None:
    app = create_app(app_config(migrated, smtp_server.port, PLUGINS=[]))
    with app.app_context():
        _empty_tables()
        user = make_staff(Role.PANEL_MEMBER)
        response = app.test_client().post("/staff/login", data={
            "email": user.email, "password": STAFF_PASSWORD})
        assert response.headers["Location"] == "/"


def test_password_change(client, mailbox) -> None:
    user = make_staff(Role.SCREENER)
    login(client, user)
    bad = client.post("/staff/password", data={"current": "nope", "new": "x" * 12,
                                               "confirm": "x" * 12})
    assert bad.status_code == 422 and b"current password is not right" in bad.data
    mismatch = client.post("/staff/password", data={"current": STAFF_PASSWORD,
                                                    "new": "x" * 12, "confirm": "y" * 12})
    assert b"Passwords must match" in mismatch.data
    # A pasted file is not a password: refused beside the field, not hashed.
    pasted = client.post("/staff/password", data={"current": STAFF_PASSWORD,
                                                  "new": "y" * 257, "confirm": "y" * 257})
    assert pasted.status_code == 422 and b'id="new-error"' in pasted.data
    assert b"Password must be 256 characters or fewer" in pasted.data
    db.session.refresh(user)
    assert user.check_password(STAFF_PASSWORD)
    ok = client.post("/staff/password", data={"current": STAFF_PASSWORD,
                                              "new": "a brand new passphrase",
                                              "confirm": "a brand new passphrase"})
    assert ok.status_code == 303 and ok.headers["Location"] == "/validation/"
    db.session.refresh(user)
    assert user.check_password("a brand new passphrase")
    # The owner is told, in case it was not them; only the change that happened is told.
    [notice] = mailbox.to(user.email)
    assert notice["Subject"] == "Your Knowledge workshops password was changed"
    said = notice.get_body(("plain",)).get_content()
    assert f"({user.email}) was changed on" in said
    assert re.search(r"Reset your password: https?://\S+/staff/forgotten-password", said)
