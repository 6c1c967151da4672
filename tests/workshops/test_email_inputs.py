"""Every email address box is GOV.UK's email pattern: `type="email"`, with the spellchecker off.

On a phone, `type="email"` brings up a keyboard with @ and no autocorrect; the forms carry
`novalidate`, so the browser never blocks a post with a message of its own.
"""

from __future__ import annotations

import re

from tests.conftest import an_hour_into, login, make_staff, make_workshop
from workshops import booking
from workshops.models import Role


def _email_inputs(page: str) -> dict[str, str]:
    """The <input> tags for email addresses on `page`, by name."""
    return {m.group(1): m.group(0)
            for m in re.finditer(r'<input[^>]*name="(\w*email)"[^>]*>', page)}


def _assert_email_pattern(client, url: str, names: set[str]) -> None:
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.get_data(as_text=True)
    assert re.search(r"<form[^>]*method=\"post\"[^>]*novalidate", page), url
    inputs = _email_inputs(page)
    assert set(inputs) >= names, (url, inputs)
    for name in names:
        assert 'type="email"' in inputs[name], (url, inputs[name])
        assert 'spellcheck="false"' in inputs[name], (url, inputs[name])


def test_a_delegate_types_email_addresses_into_email_boxes(app, client) -> None:
    workshop = make_workshop()
    made = booking.book(workshop.id, booking.Delegate(name="Ann Example",
                                                      email="ann@example.org",
                                                      organisation="Leeds City Council"))
    series, region = workshop.series.slug, workshop.region
    for url in (f"/series/{series}/{region}/book", "/booking/links",
                f"/booking/{made.token}/change", "/feedback/practice/start", "/staff/login",
                "/staff/forgotten-password"):
        _assert_email_pattern(client, url, {"email"})


def test_staff_type_email_addresses_into_email_boxes(app, client) -> None:
    login(client, make_staff(Role.ADMIN))
    workshop = make_workshop()
    _assert_email_pattern(client, "/admin/staff/invite", {"email"})
    app.config["CLOCK_OFFSET"] = an_hour_into(workshop)
    _assert_email_pattern(client, f"/organiser/workshops/{workshop.id}/walk-in", {"email"})
