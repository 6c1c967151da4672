"""Floods of public POSTs meet the designed 429 page; repeated wrong passwords lock an account.

The limiter is one object shared by every app in the run (memory storage): each test posts from
an address of its own so the counts never mix.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import STAFF_PASSWORD, delegate_form, make_staff, make_workshop
from workshops.extensions import db
from workshops.models import Role, User

DESIGNED_429 = "Too many attempts"


def _client(app, address: str):  # noqa: ANN001, ANN202
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _flood(client, url: str, data_for, limit: int) -> list[int]:  # noqa: ANN001
    codes = []
    for n in range(limit + 3):
        response = client.post(url, data=data_for(n))
        codes.append(response.status_code)
        if response.status_code == 429:
            assert DESIGNED_429 in response.get_data(as_text=True)
            assert "Error code 429" in response.get_data(as_text=True)
            break
    return codes


@pytest.mark.parametrize(("name", "limit"), [
    ("booking", 20), ("login", 10), ("links", 5), ("practice-start", 5),
    ("password-reset", 5)])
def test_a_flood_of_posts_is_refused_with_the_designed_page(app, name, limit):
    client = _client(app, f"10.40.{limit}.{len(name)}")
    if name == "booking":
        workshop = make_workshop(capacity=1000)
        url = f"/series/{workshop.series.slug}/{workshop.region}/book"

        def data_for(n: int) -> dict:
            return delegate_form(email=f"flood{n}@example.org", name="")  # refused: no name
    elif name == "login":
        url = "/staff/login"

        def data_for(n: int) -> dict:
            return {"email": f"nobody{n}@example.org", "password": "guess"}
    elif name == "links":
        url = "/booking/links"

        def data_for(n: int) -> dict:
            return {"email": f"someone{n}@example.org"}
    elif name == "password-reset":
        url = "/staff/forgotten-password"

        def data_for(n: int) -> dict:
            return {"email": f"staff{n}@example.org"}
    else:
        url = "/feedback/practice/start"

        def data_for(n: int) -> dict:
            return {"email": f"sharer{n}@example.org"}
    codes = _flood(client, url, data_for, limit)
    assert codes[-1] == 429, f"{url}: never limited after {len(codes)} posts: {codes}"
    assert len(codes) == limit + 1, f"{url}: limited after {len(codes) - 1}, not {limit}"
    assert all(c < 500 for c in codes)
    # Another address is not punished for this one's flood.
    assert _client(app, "10.41.0.1").get(url).status_code == 200


def test_reading_pages_is_not_limited(app):
    client = _client(app, "10.40.99.1")
    assert all(client.get("/booking/links").status_code == 200 for _ in range(30))


def test_repeated_wrong_passwords_lock_the_account(app):
    attempts = app.config["LOGIN_LOCKOUT_ATTEMPTS"]
    user = make_staff(Role.ORGANISER, "lockout@example.org")
    # Each try from a new address: the lockout must hold even against a spread-out attacker.
    for n in range(attempts):
        response = _client(app, f"10.42.0.{n + 1}").post(
            "/staff/login", data={"email": user.email, "password": f"wrong {n}"})
        assert response.status_code == 422
    response = _client(app, "10.42.1.1").post(
        "/staff/login", data={"email": user.email, "password": STAFF_PASSWORD})
    assert response.status_code == 422, "the right password must not open a locked account"
    page = response.get_data(as_text=True)
    assert "the account is locked" in page
    db.session.expire_all()
    locked = db.session.scalar(select(User).where(User.email == user.email))
    assert locked.locked_until is not None


def test_a_locked_account_opens_again_after_the_lockout(app):
    user = make_staff(Role.ORGANISER, "relock@example.org")
    for n in range(app.config["LOGIN_LOCKOUT_ATTEMPTS"]):
        _client(app, f"10.43.0.{n + 1}").post("/staff/login",
                                              data={"email": user.email, "password": "no"})
    from datetime import timedelta
    app.config["CLOCK_OFFSET"] = timedelta(minutes=app.config["LOGIN_LOCKOUT_MINUTES"] + 1)
    response = _client(app, "10.43.1.1").post(
        "/staff/login", data={"email": user.email, "password": STAFF_PASSWORD})
    assert response.status_code == 303


def test_the_failure_message_does_not_say_whether_the_address_exists(app):
    make_staff(Role.ORGANISER, "known@example.org")
    known = _client(app, "10.44.0.1").post(
        "/staff/login", data={"email": "known@example.org", "password": "wrong"})
    unknown = _client(app, "10.44.0.2").post(
        "/staff/login", data={"email": "unknown@example.org", "password": "wrong"})
    assert known.status_code == unknown.status_code == 422

    def message(response) -> str:  # noqa: ANN001
        page = response.get_data(as_text=True)
        return page.split('govuk-error-summary__list">', 1)[1].split("</ul>", 1)[0]

    assert message(known) == message(unknown)
