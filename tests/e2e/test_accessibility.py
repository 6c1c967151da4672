"""axe-core on the pages the journeys do not reach, and reflow at 320 CSS pixels (WCAG 1.4.10)
on the pages they do.
"""

from __future__ import annotations

import itertools
import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import make_staff, make_workshop
from tests.e2e.support import Checks, overflow, sign_in
from workshops import booking
from workshops.models import Role

pytestmark = pytest.mark.browser

OTHER_PAGES = [
    # path, status, main heading
    ("/no-such-page", 404, "Page not found"),
    ("/booking/not-a-real-token", 404, "Page not found"),
    ("/staff/login", 200, "Staff sign in"),
    ("/staff/forgotten-password", 200, "Reset your password"),
    ("/booking/links", 200, "Get the links to your bookings"),
    ("/privacy", 200, "Privacy notice"),
    ("/accessibility", 200, "Accessibility statement"),
]


def test_other_pages_have_no_axe_violations(live, page: Page, checks: Checks) -> None:
    for path, status, heading in OTHER_PAGES:
        response = page.goto(path)
        assert response is not None and response.status == status, path
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        checks.axe(page, path)

    page.goto("/staff/login")
    page.get_by_label("Email address", exact=True).fill("nobody@example.org")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Enter your password")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: Staff sign in"))
    checks.axe(page, "staff sign in with errors")

    assert len(checks.pages_checked) == len(OTHER_PAGES) + 1
    checks.assert_clean()


def _delegate(n: int) -> booking.Delegate:
    return booking.Delegate(name=f"Delegate {n}", email=f"d{n}@example.org",
                            organisation=f"Council {n}", job_title="Social worker",
                            region="north-east", sector="health")


def test_journey_pages_reflow_at_320_css_pixels(live, page: Page) -> None:
    """At 320px wide (400% zoom of a 1280px screen) nothing may need scrolling sideways."""
    with live.data():
        workshop = make_workshop(capacity=1)
        slug = workshop.series.slug
        first = booking.book(workshop.id, _delegate(1))
        second = booking.book(workshop.id, _delegate(2))
        confirmed_token = booking.book(make_workshop(series=workshop.series, region="london").id,
                                       _delegate(3)).token
        booking.cancel(first.id)  # the place is offered to the second delegate
        first_token, offered_token = first.token, second.token
    pages = {
        "index": "/",
        "series": f"/series/{slug}",
        "workshop": f"/series/{slug}/north-east",
        "booking form": f"/series/{slug}/london/book",
        "confirmation": f"/booking/{confirmed_token}/confirmed",
        "manage": f"/booking/{confirmed_token}",
        "manage, cancelled": f"/booking/{first_token}",
        "change": f"/booking/{confirmed_token}/change",
        "cancel": f"/booking/{confirmed_token}/cancel",
        "offer": f"/booking/{offered_token}/offer",
        "decline": f"/booking/{offered_token}/decline",
    }
    page.set_viewport_size({"width": 320, "height": 640})
    too_wide = {}
    for name, path in pages.items():
        response = page.goto(path)
        assert response is not None and response.ok, path
        if problem := overflow(page, 320):
            too_wide[name] = problem
    assert not too_wide, "Pages wider than 320px (widest elements):\n" + "\n".join(
        f"  {name}: {details}" for name, details in too_wide.items())




def test_organiser_pages_reflow_at_320_css_pixels(live, page: Page) -> None:
    """Organisers use phones at the venue: their wide tables scroll inside their own regions
    (the visually hidden text in cells once widened the whole page regardless)."""
    with live.data():
        workshop = make_workshop(capacity=2)
        for n in range(1, 5):  # two places held, two waiting: every table on the page
            booking.book(workshop.id, booking.Delegate(
                name=f"Delegate {n}", email=f"a.very.long.address.{n}@children.example.gov.uk",
                organisation=f"Council {n}", access_needs="Step-free access"))
        organiser = make_staff(Role.ORGANISER)
        workshop_id, email = workshop.id, organiser.email
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, email)
    too_wide = {}
    for path in ("/organiser/", f"/organiser/workshops/{workshop_id}",
                 f"/organiser/workshops/{workshop_id}/cancel", "/organiser/venues",
                 "/organiser/audit"):
        response = page.goto(path)
        assert response is not None and response.ok, path
        if problem := overflow(page, 320):
            too_wide[path] = problem
    assert not too_wide, f"Organiser pages wider than 320px: {too_wide}"


# The lines a table cell's text is laid out on, read character by character from the page.
CELL_LINES = """cell => {
  const lines = [];
  let top = null, line = "";
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getClientRects()[0];
      if (!box) continue;
      if (top !== null && box.top > top + 1) { lines.push(line); line = ""; }
      top = box.top;
      line += node.data[i];
    }
  }
  return lines.concat([line]);
}"""


def test_email_addresses_in_the_bookings_table_wrap_only_after_the_at_or_before_a_dot(
        live, page: Page) -> None:
    """On a phone at the venue an address had read 'someone@exampl' above 'e.org'."""
    addresses = ["safeguarding.partnership.business.manager@wolverhampton.example.gov.uk",
                 "jo-anne.o-neill@north-tyneside.example.gov.uk", "someone@example.org"]
    with live.data():
        workshop = make_workshop()
        for n, address in enumerate(addresses, start=1):
            booking.book(workshop.id, booking.Delegate(
                name=f"Delegate {n}", email=address, organisation=f"Council {n}"))
        organiser = make_staff(Role.ORGANISER)
        workshop_id, email = workshop.id, organiser.email
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, email)
    page.goto(f"/organiser/workshops/{workshop_id}")
    table = page.get_by_role("table", name="Bookings")
    for address in addresses:
        lines = table.get_by_role("cell", name=address, exact=True).evaluate(CELL_LINES)
        assert "".join(lines) == address
        for before, after in itertools.pairwise(lines):
            assert before.endswith("@") or after.startswith("."), lines
        if len(address) > 40:
            assert len(lines) > 2, f"{address} did not wrap at 320px: {lines}"
