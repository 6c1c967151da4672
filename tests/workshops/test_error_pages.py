"""Every error a user can meet is a designed page in the service's layout."""

from __future__ import annotations

import re

import pytest

from tests.conftest import app_config, delegate_form, make_staff
from workshops import create_app
from workshops.models import Role


def _designed(response, code: int, words: str) -> None:  # noqa: ANN001
    page = response.get_data(as_text=True)
    assert response.status_code == code
    assert "govuk-template" in page and "Skip to main content" in page
    assert words in page
    assert "Traceback" not in page


def test_404(client) -> None:
    _designed(client.get("/series/no-such-series"), 404, "Page not found")


def test_unknown_booking_link_is_404(client) -> None:
    _designed(client.get("/booking/not-a-real-token"), 404, "Page not found")
    assert "Links to your booking or your practice submission are personal" in \
        client.get("/booking/not-a-real-token").text


def test_staff_are_not_told_about_personal_links(client) -> None:
    screener = make_staff(Role.SCREENER)
    client.post("/staff/login", data={"email": screener.email,
                                      "password": "correct horse battery staple"})
    response = client.get("/validation/cases/999999")
    _designed(response, 404, "Page not found")
    assert "personal" not in response.text and "Go to your start page" in response.text


def test_405(client) -> None:
    _designed(client.post("/privacy"), 405, "not allowed")


def test_403_for_a_role_without_permission(client) -> None:
    screener = make_staff(Role.SCREENER)
    client.post("/staff/login", data={"email": screener.email,
                                      "password": "correct horse battery staple"})
    _designed(client.get("/organiser/"), 403, "You do not have permission")
    # Staff go on from their own start page (the validation queue for a screener), with the
    # standard advice when the view gave no reason of its own.
    page = client.get("/organiser/").get_data(as_text=True)
    assert 'href="/validation/">Go to your start page' in page
    assert "ask an administrator to check your role" in page
    client.get("/staff/logout")
    anonymous = client.get("/series/no-such-series").get_data(as_text=True)
    assert "Go to the list of workshops" in anonymous and "start page" not in anonymous


def test_413_when_the_request_is_too_large(client, workshop) -> None:
    huge = delegate_form(access_needs="x" * (13 * 1024 * 1024))
    _designed(client.post(f"/series/{workshop.series.slug}/north-east/book", data=huge), 413,
              "too large")


@pytest.fixture()
def csrf_app(migrated, smtp_server):  # noqa: ANN201
    app = create_app(app_config(migrated, smtp_server.port, WTF_CSRF_ENABLED=True))
    with app.app_context():
        yield app


def test_400_when_the_form_is_forged(csrf_app, workshop) -> None:
    response = csrf_app.test_client().post(
        f"/series/{workshop.series.slug}/north-east/book", data=delegate_form())
    _designed(response, 400, "The form had expired")


def test_429_after_too_many_sign_in_attempts(csrf_app) -> None:
    client = csrf_app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    guess = {"csrf_token": token, "email": "x@example.org", "password": "guess"}
    codes = [client.post("/staff/login", data=guess).status_code for _ in range(11)]
    assert codes[:10] == [422] * 10 and codes[10] == 429
    _designed(client.post("/staff/login", data=guess), 429, "Too many attempts")


def test_500_is_designed_and_logged(migrated, smtp_server, caplog) -> None:
    app = create_app(app_config(migrated, smtp_server.port))

    @app.get("/explode")
    def explode() -> str:
        raise RuntimeError("boom")

    with app.app_context():
        _designed(app.test_client().get("/explode"), 500, "problem with the service")
    assert "unhandled error on GET /explode" in caplog.text
