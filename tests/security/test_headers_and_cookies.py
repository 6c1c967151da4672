"""What a browser is told on every kind of answer: the security headers, the session cookie's
flags, and that nothing personal is left in a shared cache."""

from __future__ import annotations

import pytest
from flask import g

from feedback import submissions
from tests.conftest import login, make_staff, make_workshop
from workshops import booking
from workshops.extensions import db
from workshops.models import Booking, Role, Workshop


def _booked(workshop: Workshop, n: int = 1) -> Booking:
    return booking.book(workshop.id, booking.Delegate(
        name=f"Delegate Number{n}", email=f"d{n}@example.org", organisation=f"Council {n}",
        job_title="Team manager"))


@pytest.fixture()
def world(app):  # noqa: ANN001, ANN201
    workshop = make_workshop()
    made = _booked(workshop)
    draft = submissions.draft_for_booking(made)
    return workshop, made, draft


@pytest.fixture()
def organiser_client(app):  # noqa: ANN001, ANN201
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.20.0.1"
    login(client, make_staff(Role.ORGANISER))
    g.pop("_login_user", None)
    return client


def _assert_security_headers(response, where: str) -> None:  # noqa: ANN001
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {d.strip().split(" ", 1)[0]: d.strip() for d in csp.split(";") if d.strip()}
    script = directives.get("script-src") or directives.get("default-src", "")
    assert script, f"{where}: no script policy in CSP {csp!r}"
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script, where
    assert "frame-ancestors 'none'" in csp, where
    assert response.headers.get("X-Frame-Options") == "DENY", where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") in (
        "same-origin", "no-referrer", "strict-origin", "strict-origin-when-cross-origin"), where


def _pages(workshop: Workshop, made: Booking, draft) -> dict[str, list[str]]:  # noqa: ANN001
    slug = workshop.series.slug
    return {
        "public": ["/", f"/series/{slug}", f"/series/{slug}/{workshop.region}",
                   f"/series/{slug}/{workshop.region}/book", "/privacy", "/booking/links",
                   "/feedback/practice/start", "/staff/login", "/practice/"],
        "personal": [f"/booking/{made.token}", f"/booking/{made.token}/invite.ics",
                     f"/feedback/practice/{draft.token}"],
        "pdf": [f"/packs/booking/{made.token}.pdf",
                f"/packs/booking/{made.token}/practice-form.pdf",
                f"/feedback/practice/{draft.token}/copy.pdf"],
        "errors": ["/no-such-page", "/booking/not-a-real-token", "/healthz"],
    }


def test_every_kind_of_page_carries_the_security_headers(world, client, organiser_client):
    workshop, made, draft = world
    seen = 0
    for kind, urls in _pages(workshop, made, draft).items():
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, f"{url}: {response.status_code}"
            _assert_security_headers(response, f"{kind} {url}")
            seen += 1
    staff_urls = ["/organiser/", f"/organiser/workshops/{workshop.id}",
                  f"/organiser/workshops/{workshop.id}/bookings.csv",
                  f"/organiser/workshops/{workshop.id}/bookings.xlsx",
                  f"/packs/workshops/{workshop.id}/signin.pdf"]
    for url in staff_urls:
        g.pop("_login_user", None)
        response = organiser_client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        _assert_security_headers(response, f"staff {url}")
        seen += 1
    # 405 and the designed 400 (a POST the page does not understand).
    for response, where in ((client.post("/privacy"), "405"),
                            (client.delete("/"), "405 delete")):
        assert response.status_code == 405
        _assert_security_headers(response, where)
    assert seen >= 20


def test_hsts_only_over_https(client):
    plain = client.get("/")
    assert "Strict-Transport-Security" not in plain.headers
    secure = client.get("/", base_url="https://workshops.test")
    hsts = secure.headers.get("Strict-Transport-Security", "")
    assert hsts.startswith("max-age=") and int(hsts.split("=")[1].split(";")[0]) >= 15552000
    assert "Strict-Transport-Security" in client.get(
        "/no-such-page", base_url="https://workshops.test").headers


def _session_cookie(response) -> str:  # noqa: ANN001
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, f"no session cookie in {response.headers.getlist('Set-Cookie')}"
    return cookies[-1]


def test_session_cookie_is_httponly_and_lax(app):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.20.0.2"
    user = make_staff(Role.ORGANISER, "cookie@example.org")
    response = client.post("/staff/login", data={"email": user.email,
                                                 "password": "correct horse battery staple"})
    assert response.status_code == 303
    cookie = _session_cookie(response).lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "; secure" not in cookie  # SESSION_COOKIE_SECURE is off in tests (plain http)


def test_session_cookie_is_secure_when_configured(app):
    app.config["SESSION_COOKIE_SECURE"] = True
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.20.0.3"
    user = make_staff(Role.ORGANISER, "secure-cookie@example.org")
    response = client.post("/staff/login", base_url="https://workshops.test",
                           data={"email": user.email,
                                 "password": "correct horse battery staple"})
    assert response.status_code == 303
    cookie = _session_cookie(response).lower()
    assert "; secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie


def _no_shared_cache(response, where: str) -> None:  # noqa: ANN001
    cache = response.headers.get("Cache-Control", "")
    assert "no-store" in cache or "private" in cache, f"{where}: Cache-Control {cache!r}"
    assert "public" not in cache, where


def test_personal_data_is_never_kept_by_a_shared_cache(world, client, organiser_client):
    workshop, made, draft = world
    for url in (f"/packs/booking/{made.token}.pdf",
                f"/packs/booking/{made.token}/practice-form.pdf",
                f"/feedback/practice/{draft.token}/copy.pdf"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.mimetype == "application/pdf"
        _no_shared_cache(response, url)
    # The delegate's own pages show their name, address and access needs.
    for url in (f"/booking/{made.token}", f"/booking/{made.token}/change",
                f"/booking/{made.token}/invite.ics", f"/booking/{made.token}/cancel"):
        response = client.get(url)
        assert response.status_code == 200, url
        _no_shared_cache(response, url)
    for url in (f"/organiser/workshops/{workshop.id}/bookings.csv",
                f"/organiser/workshops/{workshop.id}/bookings.xlsx",
                f"/organiser/workshops/{workshop.id}/attendance.csv",
                f"/organiser/series/{workshop.series_id}/bookings.csv",
                f"/packs/bookings/{made.id}.pdf",
                f"/packs/workshops/{workshop.id}/badges.pdf",
                f"/packs/workshops/{workshop.id}/signin.pdf"):
        g.pop("_login_user", None)
        response = organiser_client.get(url)
        assert response.status_code == 200, url
        _no_shared_cache(response, url)


def test_the_evidence_download_is_an_attachment_kept_by_no_cache(world, client):
    _, _, draft = world
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    posted = client.post(f"/feedback/practice/{draft.token}/evidence",
                         data={"file": (__import__("io").BytesIO(png), "chart.png")},
                         content_type="multipart/form-data")
    assert posted.status_code == 303, posted.get_data(as_text=True)[:500]
    db.session.expire_all()
    attached = db.session.get(type(draft), draft.id).files[0]
    response = client.get(f"/feedback/practice/{draft.token}/evidence/{attached.id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    _no_shared_cache(response, "evidence download")


def test_submitters_pages_are_never_cached(app, client) -> None:
    """A practice draft and a validation case's personal pages hold personal answers."""
    from feedback import submissions
    from tests.conftest import make_workshop
    from tests.feedback.support import attended

    draft = submissions.draft_for_booking(attended(make_workshop(), 1))
    for url in (f"/feedback/practice/{draft.token}",
                f"/feedback/practice/{draft.token}/section/about",
                f"/feedback/practice/{draft.token}/check", "/validation/respond/unknown"):
        response = client.get(url)
        assert "no-store" in response.headers.get("Cache-Control", ""), url
